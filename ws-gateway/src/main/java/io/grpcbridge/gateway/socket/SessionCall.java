package io.grpcbridge.gateway.socket;

import java.util.ArrayDeque;
import java.util.concurrent.Flow;

import com.google.gson.JsonObject;
import com.google.protobuf.Message;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpcbridge.gateway.backend.BridgedMethod;
import io.grpcbridge.gateway.backend.FlowControlledClientCall;
import io.grpcbridge.gateway.config.GatewayConfig;
import io.grpcbridge.gateway.json.MessageJson;
import io.grpcbridge.gateway.json.Utf8;

/**
 * One call of a {@link Session}, under credit both ways (docs/protocol.md, "Protocol v2"):
 * <ul>
 * <li>requests: the gateway grants the client {@code requestCredit} of them, and grants again as the
 * gRPC call takes them (only while it {@code isReady()}), so at most that many wait here; a request
 * past the credit is a protocol violation and ends the session;</li>
 * <li>responses: the call is asked for exactly as many as the client grants, so a client that grants
 * none holds back the gRPC call and, through HTTP/2 flow control, its server, without holding up
 * the session's other calls.</li>
 * </ul>
 * Both directions are numbered, for a session that resumes on a new socket: the client's frames
 * ({@code seq}, applied once each, in order), and the gateway's, kept until the client acknowledges
 * them and sent again on the new socket. Runs on its session's event loop, as the call's callbacks do.
 */
final class SessionCall {

    /** Where a call is in its life. */
    enum State {
        /** Running; requests accepted. */
        OPEN,
        /** Running; the client half-closed, or a method that takes one request has it. */
        INPUT_ENDED,
        /** Its status is sent (or the session is gone); it stays until the client has acknowledged its frames. */
        CLOSED
    }

    /** A frame sent and not yet acknowledged. */
    private record Sent(long seq, String frame, int bytes) {
    }

    private static final String INVALID_ARGUMENT = Status.Code.INVALID_ARGUMENT.name();

    private final long id;
    private final BridgedMethod method;
    private final Session session;
    private final int creditWindow;
    private final InputEmitter<Message> requests;
    private final ArrayDeque<Sent> unacknowledged = new ArrayDeque<>();
    private State state = State.OPEN;
    private Flow.Subscription responses;
    /** Responses the client granted that have not been asked of the gRPC call yet. */
    private long responseCredit;
    /** Responses asked of the gRPC call and not yet delivered. */
    private int responsesAsked;
    private boolean asking;
    private long requestsGranted;
    private long requestsReceived;
    private long requestsTaken;
    private long lastSeqSent;
    private long lastSeqReceived;
    private long lastAckSent;
    private long unacknowledgedBytes;
    private FlowControlledClientCall.Outcome outcome;

    SessionCall(long id, BridgedMethod method, Session session, int creditWindow) {
        this.id = id;
        this.method = method;
        this.session = session;
        this.creditWindow = method == null || method.clientStreams() ? creditWindow : 1;
        this.requests = new InputEmitter<>(this::requestsLeft, this::grantFirstCredit);
    }

    /** A call that could not open: its status is its only frame. */
    static SessionCall refused(long id, Session session, String code, String message) {
        SessionCall call = new SessionCall(id, null, session, 0);
        call.state = State.CLOSED;
        call.emit("status", SessionFrames.status(code, message, null));
        return call;
    }

    /**
     * Starts the gRPC call with {@code responseCredit} responses asked for. The client gets its
     * request credit once the call can take requests ({@link #grantFirstCredit}): a call that streams
     * requests to a backend that is down gets only its status, and the client knows it never opened.
     * A call of one request asks for it at once (gRPC buffers that one until the stream exists), so
     * it gets its credit at once, whatever its backend's state.
     */
    void start(long responseCredit, Session.Calls start) {
        this.responseCredit = responseCredit;
        Responses subscriber = new Responses();
        start.start(method, requests.multi(), subscriber).subscribe().withSubscriber(subscriber);
    }

    long id() {
        return id;
    }

    State state() {
        return state;
    }

    long lastSeqReceived() {
        return lastSeqReceived;
    }

    /** Frames sent and not yet acknowledged. */
    int unacknowledged() {
        return unacknowledged.size();
    }

    /** Whether nothing of it is left to keep: ended, and every frame acknowledged. */
    boolean done() {
        return state == State.CLOSED && unacknowledged.isEmpty();
    }

    /**
     * A numbered frame of the client: true when it is the next one, to apply; false for one already
     * applied (sent again after a resume). A gap is a protocol violation.
     */
    boolean accept(SessionFrames.Numbered frame) {
        if (frame.seq() <= lastSeqReceived) {
            return false;
        }
        if (frame.seq() != lastSeqReceived + 1) {
            session.violation("call " + id + ": frame " + frame.seq() + " after frame " + lastSeqReceived);
            return false;
        }
        lastSeqReceived = frame.seq();
        return state != State.CLOSED;
    }

    /** A request in a frame of {@code bytes}, which the session holds until the gRPC call takes it. */
    void onRequest(JsonObject json, int bytes) {
        if (requestsReceived == requestsGranted) {
            session.release(bytes);
            session.violation("call " + id + ": a request past its credit of " + requestsGranted);
            return;
        }
        requestsReceived++;
        if (state == State.INPUT_ENDED) {
            refuse(bytes, method.clientStreams() ? "a request after \"end\": the request stream is already closed"
                    : method.fullName() + " takes exactly one request: this one was not sent");
            return;
        }
        Message request;
        try {
            request = method.json().parse(json, method.input());
        } catch (MessageJson.BadMessage e) {
            refuse(bytes, e.getMessage());
            return;
        }
        if (!method.clientStreams()) {
            // Before the offer, which may hand the request to the call at once: its one request takes no more credit.
            state = State.INPUT_ENDED;
            requests.offer(request, bytes);
            requests.complete();
        } else {
            requests.offer(request, bytes);
        }
    }

    void onEnd() {
        if (state == State.OPEN && !method.clientStreams()) {
            emit("error", SessionFrames.error(INVALID_ARGUMENT, method.fullName() + " takes exactly one request: send it before \"end\""));
        } else if (state == State.OPEN) {
            state = State.INPUT_ENDED;
            requests.complete();
        }
    }

    /** The client grants {@code credit} more responses. */
    void onCredit(long credit) {
        responseCredit += credit;
        askForResponses();
    }

    /**
     * Asks the gRPC call for responses the client has granted, a few at a time, while the session may
     * keep more unacknowledged frames: a client that acknowledges slowly is paced, not closed.
     */
    void askForResponses() {
        if (asking) {
            return; // a response delivered while asking asks again itself
        }
        asking = true;
        try {
            while (responses != null && state != State.CLOSED && responseCredit > 0 && responsesAsked < GatewayConfig.Session.ASK_AHEAD
                    && session.mayKeepMore()) {
                responseCredit--;
                responsesAsked++;
                responses.request(1);
            }
        } finally {
            asking = false;
        }
    }

    /** The client cancels the call: the gRPC call is cancelled, and the client told so. */
    void onCancel() {
        end(SessionFrames.status(Status.Code.CANCELLED.name(), "cancelled by the client", null));
    }

    /** The client has every frame up to {@code seq}. */
    void onAck(long seq) {
        while (!unacknowledged.isEmpty() && unacknowledged.peek().seq() <= seq) {
            Sent sent = unacknowledged.poll();
            unacknowledgedBytes -= sent.bytes();
            session.framesAcknowledged(1, sent.bytes());
        }
    }

    /** Sends again, on a new socket, every frame the client has not acknowledged, in order. */
    void replay() {
        for (Sent sent : unacknowledged) {
            session.write(sent.frame(), sent.bytes());
        }
    }

    /** The session is going: the gRPC call is cancelled, nothing is sent, nothing kept. */
    void abandon() {
        end(null);
        onAck(Long.MAX_VALUE);
    }

    /** The gRPC call asks for its first request: the client may send up to the credit window. */
    private void grantFirstCredit() {
        if (state == State.OPEN) {
            grant(creditWindow);
        }
    }

    /** A request the call does not get: the client hears why, and gets its credit back. */
    private void refuse(int bytes, String reason) {
        session.release(bytes);
        emit("error", SessionFrames.error(INVALID_ARGUMENT, reason));
        requestsLeft(1, 0);
    }

    /** Requests the gRPC call has taken (or that were dropped): their bytes go, and more credit may. */
    private void requestsLeft(int count, long bytes) {
        requestsTaken += count;
        session.release(bytes);
        // No credit before the first (grantFirstCredit): a call that never could take requests grants none.
        if (state == State.OPEN && requestsGranted > 0 && requestsGranted - requestsTaken <= creditWindow / 2) {
            grant(requestsTaken + creditWindow - requestsGranted);
        }
    }

    private void grant(long credit) {
        requestsGranted += credit;
        emit("credit", String.valueOf(credit));
    }

    /**
     * Numbers a frame of this call, keeps it until acknowledged, and sends it; it acknowledges the
     * client's frames received since the last that did.
     */
    private void emit(String kind, String value) {
        long ack = lastSeqReceived > lastAckSent ? lastSeqReceived : 0;
        lastAckSent = Math.max(lastAckSent, lastSeqReceived);
        String frame = SessionFrames.ofCall(id, ++lastSeqSent, ack, kind, value);
        int bytes = Utf8.length(frame);
        unacknowledged.add(new Sent(lastSeqSent, frame, bytes));
        unacknowledgedBytes += bytes;
        session.frameKept(bytes);
        session.write(frame, bytes);
    }

    /** The call ends: its status (null: none), and the gRPC call cancelled if it still runs. */
    private void end(String status) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (responses != null) {
            responses.cancel();
        }
        requests.discard();
        if (status != null) {
            emit("status", status);
        }
        session.callEnded(this);
    }

    /** The gRPC call's side: headers, responses as granted, and its end. */
    private final class Responses implements Flow.Subscriber<Message>, FlowControlledClientCall.Watcher {

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            responses = subscription;
            askForResponses();
        }

        @Override
        public void headers(Metadata headers) {
            if (state != State.CLOSED) {
                emit("headers", SessionFrames.headers(headers));
            }
        }

        @Override
        public void closed(FlowControlledClientCall.Outcome callOutcome) {
            outcome = callOutcome;
        }

        @Override
        public void onNext(Message response) {
            responsesAsked--;
            if (state != State.CLOSED) {
                emit("message", method.json().print(response));
                askForResponses();
            }
        }

        @Override
        public void onComplete() {
            ended(outcome != null ? outcome : new FlowControlledClientCall.Outcome(Status.OK, new Metadata(), true));
        }

        @Override
        public void onError(Throwable failure) {
            ended(outcome != null ? outcome : new FlowControlledClientCall.Outcome(Status.fromThrowable(failure), new Metadata(), false));
        }

        private void ended(FlowControlledClientCall.Outcome ended) {
            end(SessionFrames.status(ended.status().getCode().name(), EnvelopeFrames.statusMessage(ended, method), ended.trailers()));
        }
    }
}
