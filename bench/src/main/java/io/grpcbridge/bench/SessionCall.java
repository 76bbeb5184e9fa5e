package io.grpcbridge.bench;

import io.grpcbridge.bench.Recorder.Count;
import io.grpcbridge.bench.SessionProtocol.CallFrame;
import java.util.function.Consumer;

/**
 * One chat.Chat/BidStream call of a session and its ledger, under credit both ways: it sends a
 * request only within the request credit the gateway has granted (one past it would lose the
 * session), holding the rest until more comes; it grants responses a window at a time, again once
 * half of it has arrived; it checks that the gateway's frames come numbered one after another.
 * Confined to the session's event loop (or one test thread), as
 * its ledger is; frames go out through {@code out}.
 */
final class SessionCall {

    /** The browser library's response credit per call (clients/js, openSession). */
    static final int DEFAULT_WINDOW = 32;

    private final long id;
    private final Ledger ledger;
    private final Recorder recorder;
    private final Consumer<String> out;
    private final int responseWindow;
    /** The last of this call's numbered frames sent, and of the gateway's received and acknowledged. */
    private long lastSeqSent;
    private long lastSeqReceived;
    private long lastAckSent;
    /** Requests the gateway allows still; whether it has granted any yet. */
    private long requestCredit;
    private boolean granted;
    /** Requests due and waiting for request credit. */
    private int waiting;
    /** Responses granted and not yet received. */
    private long responseCredit;
    private boolean ended;

    /** {@code responseWindow}: the responses granted at the open, and kept granted ahead. */
    SessionCall(long id, Ledger ledger, Recorder recorder, Consumer<String> out, int responseWindow) {
        this.id = id;
        this.ledger = ledger;
        this.recorder = recorder;
        this.out = out;
        this.responseWindow = responseWindow;
    }

    /** Opens the call, granting its response window. */
    void open() {
        responseCredit = responseWindow;
        recorder.count(Count.CALLS_OPENED);
        out.accept(SessionProtocol.open(id, responseWindow));
    }

    /** Whether the call takes more requests: its status has not come. */
    boolean sends() {
        return !ended;
    }

    /**
     * One more request at {@code now}: sent if the credit allows, else held until it does. A wait
     * counts once the gateway has granted credit (the first requests always wait for its first grant).
     */
    void send(long now) {
        if (ended) {
            return;
        }
        if (requestCredit > 0) {
            write(now);
        } else {
            waiting++;
            if (granted) {
                recorder.count(Count.CREDIT_WAITS);
            }
        }
    }

    /** Requests held for credit. */
    int waiting() {
        return waiting;
    }

    /** Takes one frame of this call at {@code now}; returns how many requests it ended. */
    int received(CallFrame frame, long now) {
        if (frame.seq() != lastSeqReceived + 1) {
            recorder.count(Count.SEQ_ERRORS);
        }
        lastSeqReceived = Math.max(lastSeqReceived, frame.seq());
        return switch (frame.kind()) {
            case CREDIT -> credit(frame.credit(), now);
            case HEADERS -> 0;
            case MESSAGE -> response(frame.body(), now);
            case ERROR -> {
                recorder.errorFrame(frame.code());
                yield 0;
            }
            case STATUS -> status(frame.code());
        };
    }

    /** Whether the gateway has sent frames not acknowledged yet. */
    boolean ackDue() {
        return lastSeqReceived > lastAckSent;
    }

    /** Acknowledges every frame received so far. */
    void ack() {
        lastAckSent = lastSeqReceived;
        recorder.count(Count.ACKS);
        out.accept(SessionProtocol.ack(id, lastAckSent));
    }

    int expire(long now) {
        return ledger.expire(now);
    }

    /** The session is gone: every request sent and pending is lost; returns how many ended, the held ones too. */
    int abandon() {
        int held = waiting;
        waiting = 0;
        return ledger.abandon() + held;
    }

    private void write(long now) {
        requestCredit--;
        out.accept(SessionProtocol.message(id, ++lastSeqSent, ledger.next(now)));
    }

    private int credit(long credit, long now) {
        recorder.count(Count.REQUEST_CREDIT_FRAMES);
        granted = true;
        requestCredit += credit;
        while (waiting > 0 && requestCredit > 0 && !ended) {
            waiting--;
            write(now);
        }
        return 0;
    }

    private int response(Protocol.Frame body, long now) {
        int ended = ledger.received(body, now);
        if (--responseCredit <= responseWindow / 2) {
            long grant = responseWindow - responseCredit;
            responseCredit += grant;
            recorder.count(Count.RESPONSE_GRANTS);
            out.accept(SessionProtocol.credit(id, ++lastSeqSent, grant));
        }
        return ended;
    }

    /** The call is over under the run (the tool never ends one): every request it had is lost. */
    private int status(String code) {
        ended = true;
        recorder.failure("call ended: status " + code);
        return abandon();
    }
}
