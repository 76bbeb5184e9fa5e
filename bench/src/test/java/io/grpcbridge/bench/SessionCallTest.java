package io.grpcbridge.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpcbridge.bench.Recorder.Count;
import io.grpcbridge.bench.SessionProtocol.CallFrame;
import io.grpcbridge.bench.SessionProtocol.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionCallTest {

    private static final long TIMEOUT = 5_000;
    private static final int WINDOW = 4;

    private final Recorder recorder = new Recorder(true);
    private final List<String> sent = new ArrayList<>();
    private final SessionCall call = new SessionCall(2, new UniqueTextLedger(Protocol.Framing.SESSION, "m-0-2-", recorder, TIMEOUT),
            recorder, sent::add, WINDOW);
    private long gatewaySeq;

    private int credit(long n) {
        return call.received(CallFrame.credit(2, ++gatewaySeq, n), 1);
    }

    private int reply(long request, long now) {
        return call.received(CallFrame.message(2, ++gatewaySeq, new Protocol.Output("服务端返回: m-0-2-" + request)), now);
    }

    private String request(long seq, long request) {
        return "{\"call\":2,\"seq\":" + seq + ",\"message\":{\"input\":\"m-0-2-" + request + "\"}}";
    }

    @Test
    void requestsWaitForTheGatewaysCreditAndNeverPassIt() {
        call.open();
        assertEquals(List.of("{\"call\":2,\"open\":\"chat.Chat/BidStream\",\"credit\":4}"), sent);
        call.send(0);
        call.send(0);
        call.send(0);
        assertEquals(1, sent.size());
        assertEquals(3, call.waiting());
        assertEquals(0, recorder.get(Count.CREDIT_WAITS)); // the first grant is always waited for

        credit(2);
        assertEquals(List.of(request(1, 1), request(2, 2)), sent.subList(1, 3));
        assertEquals(1, call.waiting());
        call.send(0);
        assertEquals(2, call.waiting());
        assertEquals(1, recorder.get(Count.CREDIT_WAITS));

        credit(1);
        assertEquals(request(3, 3), sent.get(3));
        assertEquals(1, call.waiting());
        assertEquals(3, recorder.get(Count.SENT));
        assertEquals(2, recorder.get(Count.REQUEST_CREDIT_FRAMES));
        assertEquals(0, recorder.errors());
    }

    @Test
    void responsesCompleteRequestsAndAreGrantedAgainOnceHalfTheWindowHasArrived() {
        call.open();
        credit(8);
        for (int i = 0; i < 4; i++) {
            call.send(0);
        }
        assertEquals(1, reply(1, 10));
        assertEquals(5, sent.size());
        assertEquals(1, reply(2, 20));
        assertEquals("{\"call\":2,\"seq\":5,\"credit\":2}", sent.get(5)); // 2 of 4 left: back to 4
        assertEquals(1, reply(3, 30));
        assertEquals(1, reply(4, 40));
        assertEquals("{\"call\":2,\"seq\":6,\"credit\":2}", sent.get(6));
        assertEquals(4, recorder.get(Count.COMPLETED));
        assertEquals(2, recorder.get(Count.RESPONSE_GRANTS));
        assertEquals(0, recorder.errors());
    }

    @Test
    void framesOutOfSequenceAreCountedAndAcknowledgedUpToTheLast() {
        call.open();
        credit(8);
        call.send(0);
        assertTrue(call.ackDue());
        call.ack();
        assertFalse(call.ackDue());
        assertEquals("{\"call\":2,\"ack\":1}", sent.get(sent.size() - 1));
        gatewaySeq++; // frame 2 never comes
        reply(1, 5);
        assertEquals(1, recorder.get(Count.SEQ_ERRORS));
        call.ack();
        assertEquals("{\"call\":2,\"ack\":3}", sent.get(sent.size() - 1));
        assertEquals(2, recorder.get(Count.ACKS));
        assertEquals(1, recorder.get(Count.COMPLETED));
    }

    @Test
    void outOfOrderAndDuplicateResponsesAreTheLedgersAsOnASocket() {
        call.open();
        credit(8);
        call.send(0);
        call.send(0);
        reply(2, 10);
        reply(1, 11);
        reply(1, 12);
        assertEquals(1, recorder.get(Count.OUT_OF_ORDER));
        assertEquals(1, recorder.get(Count.DUPLICATE));
        assertEquals(0, recorder.get(Count.MISSING_ECHO));
    }

    @Test
    void aStatusUnderTheRunEndsTheCallAndLosesItsRequests() {
        call.open();
        credit(1);
        call.send(0);
        call.send(0);
        assertEquals(2, call.received(CallFrame.ended(2, ++gatewaySeq, Kind.STATUS, "UNAVAILABLE"), 1));
        assertFalse(call.sends());
        assertEquals(1, recorder.get(Count.LOST)); // the one sent; the one held was never sent
        assertEquals(Map.of("call ended: status UNAVAILABLE", 1L), recorder.accounting().get("failures"));
        int before = sent.size();
        call.send(2);
        assertEquals(before, sent.size());
    }

    @Test
    void anErrorFrameIsCountedByCodeAndItsRequestExpires() {
        call.open();
        credit(8);
        call.send(0);
        call.received(CallFrame.ended(2, ++gatewaySeq, Kind.ERROR, "INVALID_ARGUMENT"), 1);
        assertTrue(call.sends());
        assertEquals(Map.of("INVALID_ARGUMENT", 1L), recorder.accounting().get("error_frames"));
        assertEquals(1, call.expire(TIMEOUT));
        assertEquals(1, recorder.get(Count.LOST));
    }

    @Test
    void sessionCountersAreReportedForSessionRunsOnly() {
        assertTrue(recorder.accounting().containsKey("credit_waits"));
        assertFalse(new Recorder().accounting().containsKey("credit_waits"));
        assertTrue(new Recorder().accounting().containsKey("lost"));
    }
}
