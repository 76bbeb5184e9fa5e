package io.grpcbridge.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpcbridge.bench.Recorder.Count;
import org.junit.jupiter.api.Test;

class UniqueTextLedgerTest {

    private static final long TIMEOUT = 5_000;

    private final Recorder recorder = new Recorder();
    private final UniqueTextLedger ledger = new UniqueTextLedger(Protocol.Framing.V1, "m-0-", recorder, TIMEOUT);

    private int frame(String json, long now) {
        return ledger.received(Protocol.parse(json), now);
    }

    @Test
    void echoThenOutputCompletesTheRequest() {
        assertEquals("{\"input\":\"m-0-1\"}", ledger.next(0));
        assertEquals(0, frame("{\"input\":\"m-0-1\"}", 10));
        assertEquals(1, frame("{\"output\":\"服务端返回: m-0-1\"}", 20));
        assertEquals(1, recorder.get(Count.COMPLETED));
        assertEquals(1, recorder.get(Count.ECHO_FRAMES));
        assertEquals(0, recorder.errors());
        assertEquals(0, ledger.pending());
    }

    @Test
    void anOutputWithoutItsEchoBeforeItIsAMissingEcho() {
        ledger.next(0);
        frame("{\"output\":\"服务端返回: m-0-1\"}", 20);
        frame("{\"input\":\"m-0-1\"}", 30);
        assertEquals(1, recorder.get(Count.COMPLETED));
        assertEquals(1, recorder.get(Count.MISSING_ECHO));
        assertEquals(1, recorder.get(Count.UNMATCHED_ECHO));
    }

    @Test
    void onAMethodSocketAnEnvelopedOutputAloneCompletesTheRequest() {
        UniqueTextLedger method = new UniqueTextLedger(Protocol.Framing.ENVELOPE, "m-0-", recorder, TIMEOUT);
        assertEquals("{\"message\":{\"input\":\"m-0-1\"}}", method.next(0));
        assertEquals(0, method.received(method.parse("{\"headers\":{}}"), 5));
        assertEquals(1, method.received(method.parse("{\"message\":{\"output\":\"服务端返回: m-0-1\"}}"), 20));
        assertEquals(1, recorder.get(Count.COMPLETED));
        assertEquals(0, recorder.get(Count.MISSING_ECHO));
        assertEquals(0, recorder.errors());
    }

    @Test
    void aSecondCopyOfAnOutputIsADuplicate() {
        ledger.next(0);
        frame("{\"input\":\"m-0-1\"}", 10);
        frame("{\"output\":\"服务端返回: m-0-1\"}", 20);
        assertEquals(0, frame("{\"output\":\"服务端返回: m-0-1\"}", 30));
        assertEquals(1, recorder.get(Count.COMPLETED));
        assertEquals(1, recorder.get(Count.DUPLICATE));
    }

    @Test
    void anOutputOvertakingAnEarlierRequestsIsOutOfOrder() {
        ledger.next(0);
        ledger.next(1);
        frame("{\"input\":\"m-0-1\"}", 2);
        frame("{\"input\":\"m-0-2\"}", 3);
        frame("{\"output\":\"服务端返回: m-0-2\"}", 4);
        frame("{\"output\":\"服务端返回: m-0-1\"}", 5);
        assertEquals(2, recorder.get(Count.COMPLETED));
        assertEquals(1, recorder.get(Count.OUT_OF_ORDER));
    }

    @Test
    void aRequestUnansweredPastTheTimeoutIsLostAndItsLateOutputIsLate() {
        ledger.next(0);
        ledger.next(100);
        assertEquals(0, ledger.expire(TIMEOUT - 1));
        assertEquals(1, ledger.expire(TIMEOUT));
        assertEquals(1, ledger.pending());
        frame("{\"input\":\"m-0-1\"}", TIMEOUT + 1);
        assertEquals(0, frame("{\"output\":\"服务端返回: m-0-1\"}", TIMEOUT + 2));
        assertEquals(1, recorder.get(Count.LOST));
        assertEquals(1, recorder.get(Count.LATE));
        assertEquals(0, recorder.get(Count.COMPLETED));
    }

    @Test
    void outputsForNoRequestSentAreUnexpected() {
        ledger.next(0);
        frame("{\"output\":\"服务端返回: m-0-7\"}", 1);
        frame("{\"output\":\"服务端返回: m-1-1\"}", 1);
        frame("{\"output\":\"hello\"}", 1);
        assertEquals(3, recorder.get(Count.UNEXPECTED_OUTPUT));
        assertEquals(1, ledger.pending());
    }

    @Test
    void errorFramesAreCountedByCodeAndOtherFramesApart() {
        ledger.next(0);
        frame("{\"error\":{\"code\":\"RESOURCE_EXHAUSTED\",\"message\":\"slow down\"}}", 1);
        frame("{\"error\":{\"code\":\"RESOURCE_EXHAUSTED\",\"message\":\"slow down\"}}", 2);
        frame("{\"error\":{\"code\":\"INVALID_ARGUMENT\",\"message\":\"bad\"}}", 3);
        frame("not json", 4);
        assertEquals(java.util.Map.of("INVALID_ARGUMENT", 1L, "RESOURCE_EXHAUSTED", 2L),
                recorder.accounting().get("error_frames"));
        assertEquals(1, recorder.get(Count.OTHER_FRAMES));
        assertEquals(4, recorder.errors());
    }

    @Test
    void abandoningTheSocketLosesEveryPendingRequest() {
        ledger.next(0);
        ledger.next(1);
        assertEquals(2, ledger.abandon());
        assertEquals(2, recorder.get(Count.LOST));
        assertEquals(0, ledger.pending());
    }

    @Test
    void latencyIsRecordedOnlyWhileMeasuring() {
        ledger.next(0);
        frame("{\"input\":\"m-0-1\"}", 1);
        frame("{\"output\":\"服务端返回: m-0-1\"}", 2_000);
        recorder.measure(true);
        ledger.next(3_000);
        frame("{\"input\":\"m-0-2\"}", 3_001);
        frame("{\"output\":\"服务端返回: m-0-2\"}", 5_000);
        assertEquals(2, recorder.get(Count.COMPLETED));
        assertEquals(1, recorder.completedInWindow());
        assertEquals(1, recorder.latency().count());
    }
}
