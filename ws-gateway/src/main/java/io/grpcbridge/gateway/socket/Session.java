package io.grpcbridge.gateway.socket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import com.google.protobuf.Message;

import io.grpc.Status;
import io.grpcbridge.gateway.backend.BridgedMethod;
import io.grpcbridge.gateway.backend.FlowControlledClientCall;
import io.grpcbridge.gateway.backend.MethodCatalog;
import io.grpcbridge.gateway.config.GatewayConfig;
import io.grpcbridge.gateway.internals.InboundFrameGate;
import io.grpcbridge.gateway.json.Utf8;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Multi;
import io.vertx.core.Context;

/**
 * A protocol v2 session: one socket carrying any number of calls, each named by the client's id,
 * up to {@code gateway.session.max-calls} at once, each under credit both ways ({@link SessionCall}).
 * Because the client never sends past its credit, the socket is read as fast as it comes: one
 * call that takes nothing never stalls the others. What it does bound is the socket's unwritten
 * frames, as a method socket does; and everything it holds counts in the gateway's memory budget.
 * <p>
 * Runs on the socket's event loop (its calls' callbacks too), so its state needs no locks.
 */
public final class Session {

    /** Where each session socket keeps its session. */
    public static final UserData.TypedKey<Session> KEY = new UserData.TypedKey<>("session");
    private static final Logger LOG = Logger.getLogger(Session.class);

    /** Where a session is in its life. */
    enum State {
        /** Calls may open. */
        OPEN,
        /** The gateway is shutting down: no call opens; the socket closes 1001 once the open ones end. */
        DRAINING,
        /** Closing or closed. */
        CLOSED
    }

    /** Starts a call: its requests in, its responses out, its headers and trailers to the watcher. */
    @FunctionalInterface
    public interface Calls {
        Multi<Message> start(BridgedMethod method, Multi<Message> requests, FlowControlledClientCall.Watcher watcher);
    }

    /** What a session needs of the gateway besides its socket: the methods, and how to call them. */
    public record Backends(MethodCatalog catalog, Calls calls) {
    }

    private final ClientSocket socket;
    private final String client;
    private final Context eventLoop;
    private final GatewayConfig.Socket limits;
    private final GatewayConfig.Session bounds;
    private final GatewayMetrics metrics;
    private final Backends backends;
    private final LongSupplier clock;
    private final long openedAt;
    private final MemoryBudget.Account held;
    private final Map<Long, SessionCall> calls = new HashMap<>();
    private final CompletableFuture<Void> socketClosed = new CompletableFuture<>();
    private State state = State.OPEN;
    private long lastCallId;
    private long callCount;
    private int unwrittenFrames;
    private long unwrittenBytes;
    private long drainTimer = -1;

    private Session(ClientSocket socket, String client, Context eventLoop, StreamBridge.Shared shared,
            GatewayConfig.Session bounds, Backends backends) {
        this.socket = socket;
        this.client = client;
        this.eventLoop = eventLoop;
        this.limits = shared.limits();
        this.bounds = bounds;
        this.metrics = shared.metrics();
        this.backends = backends;
        this.clock = shared.clock();
        this.openedAt = clock.getAsLong();
        this.held = shared.budget().open(() -> eventLoop.runOnContext(ignored -> onEvicted()));
    }

    private void onEvicted() {
        if (state != State.CLOSED) {
            close(CloseRules.POLICY_VIOLATION, "gateway over its memory budget; this session held " + held.bytes() + " bytes");
        }
    }

    /** Opens a session on {@code socket}, from its event loop: its first frame says its bounds, then it is read. */
    public static Session open(ClientSocket socket, String client, Context eventLoop, StreamBridge.Shared shared,
            GatewayConfig.Session bounds, Backends backends) {
        Session session = new Session(socket, client, eventLoop, shared, bounds, backends);
        session.metrics.sessionOpened();
        session.send(SessionFrames.session(bounds.maxCalls(), bounds.requestCredit()));
        socket.read(session.new Reading());
        return session;
    }

    /** A text message, in the order the socket read it. */
    public void onText(String text) {
        if (state == State.CLOSED) {
            return;
        }
        metrics.frameReceived();
        int bytes = Utf8.length(text);
        if (bytes > limits.maxFrameBytes()) {
            close(CloseRules.MESSAGE_TOO_BIG, "frame larger than " + limits.maxFrameBytes() + " bytes");
            return;
        }
        SessionFrames.Frame frame = SessionFrames.decode(text);
        if (frame instanceof SessionFrames.Open open) {
            open(open);
        } else if (frame instanceof SessionFrames.Request request) {
            held.add(bytes);
            SessionCall call = callNamed(request.call());
            if (call != null) {
                call.onRequest(request.message(), bytes);
            } else {
                release(bytes);
            }
        } else if (frame instanceof SessionFrames.End end) {
            withCall(end.call(), SessionCall::onEnd);
        } else if (frame instanceof SessionFrames.Cancel cancel) {
            withCall(cancel.call(), SessionCall::onCancel);
        } else if (frame instanceof SessionFrames.Credit credit) {
            withCall(credit.call(), call -> call.onCredit(credit.credit()));
        } else if (frame instanceof SessionFrames.Bad bad) {
            send(SessionFrames.error(bad.call(), Status.Code.INVALID_ARGUMENT.name(), bad.reason()));
        }
    }

    /** A binary message: not part of the protocol; the session goes on. */
    public void onBinary() {
        if (state != State.CLOSED) {
            metrics.frameReceived();
            send(SessionFrames.error(0, Status.Code.INVALID_ARGUMENT.name(), "binary frames are not accepted; send JSON text frames"));
        }
    }

    private void open(SessionFrames.Open open) {
        long id = open.call();
        if (id <= lastCallId) {
            violation("call " + id + " opened after call " + lastCallId + ": each call needs a new, larger id");
            return;
        }
        lastCallId = id;
        if (state == State.DRAINING) {
            send(SessionFrames.status(id, Status.Code.UNAVAILABLE.name(), "gateway restarting", null));
        } else if (calls.size() >= bounds.maxCalls()) {
            send(SessionFrames.status(id, Status.Code.RESOURCE_EXHAUSTED.name(),
                    "the session already has " + bounds.maxCalls() + " calls open", null));
        } else {
            MethodCatalog.Lookup lookup = backends.catalog().lookup(open.method());
            if (lookup instanceof MethodCatalog.Found found) {
                start(id, found.method(), open.credit());
            } else if (lookup instanceof MethodCatalog.NotLoaded notLoaded) {
                send(SessionFrames.status(id, Status.Code.UNAVAILABLE.name(), notLoaded.backend() + " unavailable", null));
            } else if (lookup instanceof MethodCatalog.NotExposed notExposed) {
                send(SessionFrames.status(id, Status.Code.UNIMPLEMENTED.name(), notExposed.reason(), null));
            }
        }
    }

    private void start(long id, BridgedMethod method, long responseCredit) {
        callCount++;
        metrics.streamOpened();
        metrics.sessionCallOpened();
        SessionCall call = new SessionCall(id, method, this, bounds.requestCredit());
        calls.put(id, call);
        call.start(responseCredit, backends.calls());
    }

    /** The open call {@code id}; null for one that has ended, after a violation for one never opened. */
    private SessionCall callNamed(long id) {
        SessionCall call = calls.get(id);
        if (call == null && id > lastCallId) {
            violation("call " + id + " was never opened");
        }
        return call;
    }

    private void withCall(long id, Consumer<SessionCall> action) {
        SessionCall call = callNamed(id);
        if (call != null) {
            action.accept(call);
        }
    }

    // ---- what its calls use ------------------------------------------------------------------

    /** Bytes of requests the session no longer holds. */
    void release(long bytes) {
        held.add(-bytes);
    }

    /** The client broke the protocol: the session ends. */
    void violation(String reason) {
        if (state != State.CLOSED) {
            LOG.infof("[%s] protocol violation: %s", socket.id(), reason);
            close(CloseRules.POLICY_VIOLATION, reason);
        }
    }

    void callEnded(SessionCall call) {
        if (calls.remove(call.id()) != null) {
            metrics.streamEnded();
        }
        if (state == State.DRAINING && calls.isEmpty()) {
            close(CloseRules.GOING_AWAY, "gateway restarting");
        }
    }

    /** A call's status: sent even past the bounds on unwritten frames, so every call hears how it ended. */
    void sendLast(String frame) {
        if (state != State.CLOSED) {
            queue(frame);
        }
    }

    /** Hands a frame to the socket unless the client has stopped reading (then closes it). */
    void send(String frame) {
        if (state == State.CLOSED) {
            return;
        }
        if (unwrittenFrames >= limits.maxUnwrittenFrames() || unwrittenBytes + Utf8.length(frame) > limits.maxUnwrittenBytes()) {
            close(CloseRules.POLICY_VIOLATION, "client is not reading: " + unwrittenFrames + " frames, " + unwrittenBytes
                    + " bytes unwritten");
            return;
        }
        queue(frame);
    }

    private void queue(String frame) {
        int bytes = Utf8.length(frame);
        unwrittenFrames++;
        unwrittenBytes += bytes;
        held.add(bytes);
        metrics.unwrittenFrames(1);
        metrics.frameSent();
        socket.send(frame, () -> {
            unwrittenFrames--;
            unwrittenBytes -= bytes;
            held.add(-bytes);
            metrics.unwrittenFrames(-1);
            if (state != State.CLOSED) {
                socket.readMore();
            }
        });
    }

    // ---- its end -----------------------------------------------------------------------------

    /**
     * For a graceful shutdown, from any thread: no call opens any more; the socket closes 1001 once
     * the open calls have ended, or at {@code timeout}. Completes once the socket is closed.
     */
    public CompletionStage<Void> drain(Duration timeout) {
        eventLoop.runOnContext(ignored -> {
            if (state != State.OPEN) {
                return;
            }
            state = State.DRAINING;
            if (calls.isEmpty()) {
                close(CloseRules.GOING_AWAY, "gateway restarting");
            } else {
                drainTimer = eventLoop.owner().setTimer(timeout.toMillis(),
                        id -> close(CloseRules.GOING_AWAY, "gateway restarting; calls still open were cancelled"));
            }
        });
        return socketClosed;
    }

    private void close(int code, String reason) {
        if (state == State.CLOSED) {
            return;
        }
        release();
        metrics.closedWith(code);
        socket.close(code, reason);
    }

    /** Cancels every call still open. */
    private void release() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (drainTimer != -1) {
            eventLoop.owner().cancelTimer(drainTimer);
        }
        socket.stopReading();
        for (SessionCall call : new ArrayList<>(calls.values())) {
            call.abandon();
        }
    }

    /** The socket failed (websockets-next reports it to @OnError). */
    public void onSocketFailure(Throwable failure) {
        if (state == State.CLOSED) {
            LOG.debugf("[%s] failed while closing: %s", socket.id(), failure);
        } else if (CloseRules.isMessageOverCeiling(failure)) {
            close(CloseRules.MESSAGE_TOO_BIG, "message larger than " + limits.maxFrameBytes() + " bytes");
        } else {
            LOG.warnf(failure, "[%s] failed", socket.id());
            close(CloseRules.INTERNAL_ERROR, "gateway error");
        }
    }

    /** The socket is gone: its calls are cancelled, one log line sums it up. */
    public void onSocketClosed(int code) {
        release();
        held.close();
        metrics.sessionClosed();
        LOG.infof("[%s] session closed %s after %d ms: %d calls%s", socket.id(),
                code == CloseRules.NO_STATUS ? "without a close code" : String.valueOf(code), (clock.getAsLong() - openedAt) / 1_000_000,
                callCount, client == null ? "" : ", client " + client);
        socketClosed.complete(null);
    }

    /** Reads the socket while its client reads what it is sent. */
    private final class Reading implements InboundFrameGate.Reader {

        @Override
        public boolean wantsMessage() {
            return state != State.CLOSED && unwrittenFrames < limits.maxUnwrittenFrames() / 2
                    && unwrittenBytes < limits.maxUnwrittenBytes() / 2;
        }

        @Override
        public void messageRead(int bytes) {
        }

        @Override
        public void readingPaused() {
            metrics.readingPaused(StreamBridge.Pause.UNWRITTEN);
        }

        @Override
        public void readingResumed() {
            metrics.readingResumed();
        }

        @Override
        public void messageTooLarge() {
            eventLoop.runOnContext(ignored -> close(CloseRules.MESSAGE_TOO_BIG, "frame larger than " + limits.maxFrameBytes() + " bytes"));
        }
    }
}
