package io.grpcbridge.gateway.socket;

import java.util.concurrent.Flow;

import com.google.gson.JsonObject;
import com.google.protobuf.Message;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpcbridge.gateway.backend.BridgedMethod;
import io.grpcbridge.gateway.backend.FlowControlledClientCall;
import io.grpcbridge.gateway.json.MessageJson;

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
 * Runs on its session's event loop, as the call's callbacks do.
 */
final class SessionCall {

    /** Where a call is in its life. */
    enum State {
        /** Running; requests accepted. */
        OPEN,
        /** Running; the client half-closed, or a method that takes one request has it. */
        INPUT_ENDED,
        /** Its status frame is sent (or the session is gone): nothing more is accepted or sent. */
        CLOSED
    }

    private static final String INVALID_ARGUMENT = Status.Code.INVALID_ARGUMENT.name();

    private final long id;
    private final BridgedMethod method;
    private final Session session;
    private final int creditWindow;
    private final InputEmitter<Message> requests;
    private State state = State.OPEN;
    private Flow.Subscription responses;
    /** Responses the client granted before the call's subscription existed. */
    private long responsesOwed;
    private long requestsGranted;
    private long requestsReceived;
    private long requestsTaken;
    private FlowControlledClientCall.Outcome outcome;

    SessionCall(long id, BridgedMethod method, Session session, int creditWindow) {
        this.id = id;
        this.method = method;
        this.session = session;
        this.creditWindow = method.clientStreams() ? creditWindow : 1;
        this.requests = new InputEmitter<>(this::requestsLeft);
    }

    /** Grants the client its request credit, then starts the gRPC call with {@code responseCredit} responses asked for. */
    void start(long responseCredit, Session.Calls start) {
        grant(creditWindow);
        responsesOwed = responseCredit;
        Responses responses = new Responses();
        start.start(method, requests.multi(), responses).subscribe().withSubscriber(responses);
    }

    long id() {
        return id;
    }

    State state() {
        return state;
    }

    /** A request in a frame of {@code bytes}, which the session holds until the gRPC call takes it. */
    void onRequest(JsonObject json, int bytes) {
        if (state == State.CLOSED) {
            session.release(bytes); // sent before the client knew the call had ended
            return;
        }
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
            session.send(SessionFrames.error(id, INVALID_ARGUMENT, method.fullName() + " takes exactly one request: send it before \"end\""));
        } else if (state == State.OPEN) {
            state = State.INPUT_ENDED;
            requests.complete();
        }
    }

    /** The client grants {@code credit} more responses. */
    void onCredit(long credit) {
        if (state == State.CLOSED) {
            return;
        }
        if (responses == null) {
            responsesOwed += credit;
        } else {
            responses.request(credit);
        }
    }

    /** The client cancels the call: the gRPC call is cancelled, and the client told so. */
    void onCancel() {
        if (state != State.CLOSED) {
            end(SessionFrames.status(id, Status.Code.CANCELLED.name(), "cancelled by the client", null));
        }
    }

    /** The session is going: the gRPC call is cancelled, nothing is sent. */
    void abandon() {
        end(null);
    }

    /** A request the call does not get: the client hears why, and gets its credit back. */
    private void refuse(int bytes, String reason) {
        session.release(bytes);
        session.send(SessionFrames.error(id, INVALID_ARGUMENT, reason));
        requestsLeft(1, 0);
    }

    /** Requests the gRPC call has taken (or that were dropped): their bytes go, and more credit may. */
    private void requestsLeft(int count, long bytes) {
        requestsTaken += count;
        session.release(bytes);
        if (state == State.OPEN && requestsGranted - requestsTaken <= creditWindow / 2) {
            grant(requestsTaken + creditWindow - requestsGranted);
        }
    }

    private void grant(long credit) {
        requestsGranted += credit;
        session.send(SessionFrames.credit(id, credit));
    }

    /** The call ends: the last frame (null: none), and the gRPC call cancelled if it still runs. */
    private void end(String lastFrame) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (responses != null) {
            responses.cancel();
        }
        requests.discard();
        session.callEnded(this);
        if (lastFrame != null) {
            session.sendLast(lastFrame);
        }
    }

    /** The gRPC call's side: headers, responses as granted, and its end. */
    private final class Responses implements Flow.Subscriber<Message>, FlowControlledClientCall.Watcher {

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            responses = subscription;
            if (responsesOwed > 0) {
                subscription.request(responsesOwed);
                responsesOwed = 0;
            }
        }

        @Override
        public void headers(Metadata headers) {
            if (state != State.CLOSED) {
                session.send(SessionFrames.headers(id, headers));
            }
        }

        @Override
        public void closed(FlowControlledClientCall.Outcome callOutcome) {
            outcome = callOutcome;
        }

        @Override
        public void onNext(Message response) {
            if (state != State.CLOSED) {
                session.send(SessionFrames.message(id, method.json().print(response)));
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
            end(SessionFrames.status(id, ended.status().getCode().name(), EnvelopeFrames.statusMessage(ended, method), ended.trailers()));
        }
    }
}
