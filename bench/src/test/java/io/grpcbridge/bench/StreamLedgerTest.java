package io.grpcbridge.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpcbridge.bench.Recorder.Count;
import org.junit.jupiter.api.Test;

class StreamLedgerTest {

    private static final long TIMEOUT = 5_000;

    private final Recorder recorder = new Recorder();
    private final StreamLedger ledger = new StreamLedger(Protocol.Framing.V1, recorder, TIMEOUT);

    private int echo() {
        return ledger.received(Protocol.parse("{\"input\":\"返回数据流\"}"), 1);
    }

    private int output(int i) {
        return ledger.received(Protocol.parse("{\"output\":\"数据流 #" + i + "\"}"), 100 + i);
    }

    private int outputs(int from, int to) {
        int ended = 0;
        for (int i = from; i <= to; i++) {
            ended += output(i);
        }
        return ended;
    }

    @Test
    void tenOutputsInOrderCompleteTheStream() {
        assertEquals("{\"input\":\"返回数据流\"}", ledger.next(0));
        echo();
        assertEquals(0, outputs(0, 8));
        assertEquals(1, output(9));
        assertEquals(1, recorder.get(Count.COMPLETED));
        assertEquals(10, recorder.get(Count.OUTPUT_FRAMES));
        assertEquals(0, recorder.errors());
    }

    @Test
    void pipelinedStreamsCompleteOneAfterTheOther() {
        ledger.next(0);
        ledger.next(0);
        echo();
        echo();
        assertEquals(2, outputs(0, 9) + outputs(0, 9));
        assertEquals(2, recorder.get(Count.COMPLETED));
        assertEquals(0, recorder.errors());
    }

    @Test
    void aStreamWithoutItsEchoIsAMissingEcho() {
        ledger.next(0);
        outputs(0, 9);
        assertEquals(1, recorder.get(Count.MISSING_ECHO));
    }

    @Test
    void aStreamThatLostItsTailIsIncompleteWhenTheNextStreamStarts() {
        ledger.next(0);
        ledger.next(0);
        echo();
        echo();
        outputs(0, 6);
        assertEquals(1, outputs(0, 0));
        assertEquals(1, outputs(1, 9));
        assertEquals(1, recorder.get(Count.INCOMPLETE));
        assertEquals(1, recorder.get(Count.COMPLETED));
    }

    @Test
    void aRepeatedOutputIsADuplicateAndAnOverdueOneIsOutOfOrder() {
        ledger.next(0);
        echo();
        outputs(0, 3);
        output(3);
        output(5);
        output(4);
        assertEquals(1, outputs(6, 9));
        assertEquals(1, recorder.get(Count.DUPLICATE));
        assertEquals(1, recorder.get(Count.OUT_OF_ORDER));
        assertEquals(1, recorder.get(Count.INCOMPLETE));
        assertEquals(0, recorder.get(Count.COMPLETED));
    }

    @Test
    void aStreamNotCompleteWithinTheTimeoutIsLost() {
        ledger.next(0);
        echo();
        outputs(0, 4);
        assertEquals(0, ledger.expire(TIMEOUT - 1));
        assertEquals(1, ledger.expire(TIMEOUT));
        output(5);
        assertEquals(1, recorder.get(Count.LOST));
        assertEquals(1, recorder.get(Count.LATE));
    }

    @Test
    void outputsThatAreNoStreamFrameAreUnexpected() {
        ledger.next(0);
        ledger.received(Protocol.parse("{\"output\":\"数据流 #10\"}"), 1);
        ledger.received(Protocol.parse("{\"output\":\"服务端返回: x\"}"), 1);
        assertEquals(2, recorder.get(Count.UNEXPECTED_OUTPUT));
        assertEquals(1, ledger.pending());
    }
}
