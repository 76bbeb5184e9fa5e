package io.grpcbridge.gateway.socket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
import io.smallrye.mutiny.Multi;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * A protocol v2 session: any number of calls, each named by the client's id, up to
 * {@code gateway.session.max-calls} running at once, each under credit both ways
 * ({@link SessionCall}). Because the client never sends past its credit, its socket is read as fast
 * as it comes: one call that takes nothing never stalls the others. What the socket does bound is
 * its unwritten frames, as a method socket does.
 * <p>
 * A session outlives a socket lost without a close: its calls go on (within the credit already
 * granted, so gRPC flow control holds their servers), their frames are kept until acknowledged, and
 * a new socket that presents the session's token within {@code gateway.session.resume-window} gets
 * them again, then the session goes on there. Past the window its calls are cancelled.
 * <p>
 * Runs on the event loop of its first socket, where its calls' callbacks run too; a resuming
 * socket's frames are handed over to it. So its state needs no locks.
 */
public final class Session {

    private static final Logger LOG = Logger.getLogger(Session.class);

    /** Where a session is in its life. */
    enum State {
        /** On a socket; calls may open. */
        ATTACHED,
        /** Its socket was lost without a close; waiting for a new one within the resume window. */
        DETACHED,
        /** The gateway is shutting down: no call opens; the socket closes 1001 once the running ones end. */
        DRAINING,
        /** Over: its calls are cancelled. */
        CLOSED
    }

    /** Starts a call: its requests in, its responses out, its headers and trailers to the watcher. */
    @FunctionalInterface
    public interface Calls {
        Multi<Message> start(BridgedMethod method, Multi<Message> requests, FlowControlledClientCall.Watcher watcher);
    }

    /** What a session needs of the gateway besides its socket: the methods, how to call them, who holds the sessions. */
    public record Backends(MethodCatalog catalog, Calls calls, SessionRegistry registry) {
    }

    private final String token;
    private final String caller;
    private final String client;
    private final Context eventLoop;
    private final GatewayConfig.Socket limits;
    private final GatewayConfig.Session bounds;
    private final GatewayMetrics metrics;
    private final Backends backends;
    private final LongSupplier clock;
    private final long openedAt;
    private final MemoryBudget.Account held;
    /** Every call not yet done (running, or ended with frames not yet acknowledged), by id. */
    private final Map<Long, SessionCall> calls = new TreeMap<>();
    private final CompletableFuture<Void> over = new CompletableFuture<>();
    private volatile ClientSocket socket;
    private volatile State state = State.ATTACHED;
    private int running;
    private long lastCallId;
    private long callCount;
    /** Frames sent and not yet acknowledged, all calls together, and their bytes. */
    private int unacknowledgedFrames;
    private long unacknowledgedBytes;
    private volatile int unwrittenFrames;
    private volatile long unwrittenBytes;
    private long timer = -1;

    private Session(ClientSocket socket, String caller, String client, Context eventLoop, StreamBridge.Shared shared,
            GatewayConfig.Session bounds, Backends backends) {
        this.socket = socket;
        this.token = backends.registry().newToken();
        this.caller = caller;
        this.client = client;
        this.eventLoop = eventLoop;
        this.limits = shared.limits();
        this.bounds = bounds;
        this.metrics = shared.metrics();
        this.backends = backends;
        this.clock = shared.clock();
        this.openedAt = clock.getAsLong();
        this.held = shared.budget().open(() -> onLoop(this::onEvicted));
    }

    /**
     * Opens a session on {@code socket}, from its event loop, for {@code caller} (who alone may
     * resume it): its first frame gives its token and bounds. The socket reads through {@link #readerOf}.
     */
    public static Session open(ClientSocket socket, String caller, String client, Context eventLoop, StreamBridge.Shared shared,
            GatewayConfig.Session bounds, Backends backends) {
        Session session = new Session(socket, caller, client, eventLoop, shared, bounds, backends);
        backends.registry().add(session.token, session);
        session.metrics.sessionOpened();
        session.write(SessionFrames.session(session.token, bounds.gatewayId(), bounds.resumeWindow().toMillis(), bounds.maxCalls(),
                bounds.requestCredit()));
        return session;
    }

    /**
     * A new socket presents this session's token, from {@code caller}: if the session waits for one
     * (or still has a socket the client has given up on), it goes on there: the client is told which
     * of its frames each call has, gets every frame it has not acknowledged again, then the rest.
     * Completes with false, the socket untouched, when the session cannot be resumed by it.
     */
    public CompletionStage<Boolean> resume(ClientSocket newSocket, String newCaller) {
        CompletableFuture<Boolean> resumed = new CompletableFuture<>();
        onLoop(() -> {
            if (state == State.CLOSED || state == State.DRAINING || !caller.equals(newCaller)) {
                resumed.complete(false);
                return;
            }
            if (state == State.ATTACHED) {
                ClientSocket old = socket;
                old.stopReading();
                old.close(CloseRules.RESUMED_ELSEWHERE, "session resumed on another socket");
            }
            if (timer != -1) {
                eventLoop.owner().cancelTimer(timer);
                timer = -1;
            }
            socket = newSocket;
            unwrittenFrames = 0;
            unwrittenBytes = 0;
            state = State.ATTACHED;
            metrics.sessionResumed();
            Map<Long, Long> received = new TreeMap<>();
            calls.forEach((id, call) -> received.put(id, call.lastSeqReceived()));
            write(SessionFrames.resumed(lastCallId, received));
            long replayed = 0;
            for (SessionCall call : calls.values()) {
                replayed += call.unacknowledged();
                call.replay();
            }
            metrics.framesReplayed(replayed);
            LOG.infof("[%s] session resumed: %d calls, %d frames sent again", newSocket.id(), calls.size(), replayed);
            newSocket.readMore();
            resumed.complete(true);
        });
        return resumed;
    }

    /** A text message from {@code from}, in the order it read them. */
    public void onText(ClientSocket from, String text) {
        onLoop(() -> {
            if (from == socket && state != State.CLOSED && state != State.DETACHED) {
                handle(text);
            }
        });
    }

    /** A binary message: not part of the protocol; the session goes on. */
    public void onBinary(ClientSocket from) {
        onLoop(() -> {
            if (from == socket && state != State.CLOSED) {
                metrics.frameReceived();
                write(SessionFrames.sessionError(Status.Code.INVALID_ARGUMENT.name(), "binary frames are not accepted; send JSON text frames"));
            }
        });
    }

    private void handle(String text) {
        metrics.frameReceived();
        int bytes = Utf8.length(text);
        if (bytes > limits.maxFrameBytes()) {
            close(CloseRules.MESSAGE_TOO_BIG, "frame larger than " + limits.maxFrameBytes() + " bytes");
            return;
        }
        SessionFrames.Frame frame = SessionFrames.decode(text);
        if (frame instanceof SessionFrames.Open open) {
            open(open);
        } else if (frame instanceof SessionFrames.Numbered numbered) {
            SessionCall call = callNamed(numbered.call());
            if (call == null || !call.accept(numbered)) {
                return;
            }
            if (numbered instanceof SessionFrames.Request request) {
                keep(bytes);
                call.onRequest(request.message(), bytes);
            } else if (numbered instanceof SessionFrames.End) {
                call.onEnd();
            } else if (numbered instanceof SessionFrames.Cancel) {
                call.onCancel();
            } else if (numbered instanceof SessionFrames.Credit credit) {
                call.onCredit(credit.credit());
            }
        } else if (frame instanceof SessionFrames.Ack ack) {
            SessionCall call = callNamed(ack.call());
            if (call != null) {
                call.onAck(ack.seq());
                forgetIfDone(call);
            }
        } else if (frame instanceof SessionFrames.Resume) {
            violation("a resume frame on a session's own socket");
        } else if (frame instanceof SessionFrames.Bad bad) {
            write(SessionFrames.sessionError(Status.Code.INVALID_ARGUMENT.name(), bad.reason()));
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
            refuse(id, Status.Code.UNAVAILABLE, "gateway restarting");
        } else if (running >= bounds.maxCalls()) {
            refuse(id, Status.Code.RESOURCE_EXHAUSTED, "the session already has " + bounds.maxCalls() + " calls open");
        } else {
            MethodCatalog.Lookup lookup = backends.catalog().lookup(open.method());
            if (lookup instanceof MethodCatalog.Found found) {
                start(id, found.method(), open.credit());
            } else if (lookup instanceof MethodCatalog.NotLoaded notLoaded) {
                refuse(id, Status.Code.UNAVAILABLE, notLoaded.backend() + " unavailable");
            } else if (lookup instanceof MethodCatalog.NotExposed notExposed) {
                refuse(id, Status.Code.UNIMPLEMENTED, notExposed.reason());
            }
        }
    }

    private void refuse(long id, Status.Code code, String message) {
        calls.put(id, SessionCall.refused(id, this, code.name(), message));
    }

    private void start(long id, BridgedMethod method, long responseCredit) {
        callCount++;
        running++;
        metrics.streamOpened();
        metrics.sessionCallOpened();
        SessionCall call = new SessionCall(id, method, this, bounds.requestCredit());
        calls.put(id, call);
        call.start(responseCredit, backends.calls());
    }

    /** The call {@code id} still kept; null for one that is done, after a violation for one never opened. */
    private SessionCall callNamed(long id) {
        SessionCall call = calls.get(id);
        if (call == null && id > lastCallId) {
            violation("call " + id + " was never opened");
        }
        return call;
    }

    private void forgetIfDone(SessionCall call) {
        if (call.done()) {
            calls.remove(call.id());
        }
    }

    // ---- what its calls use ------------------------------------------------------------------

    /** Bytes of a request on its way to its call. */
    void keep(long bytes) {
        held.add(bytes);
    }

    /** A frame kept until the client acknowledges it. */
    void frameKept(long bytes) {
        held.add(bytes);
        unacknowledgedFrames++;
        unacknowledgedBytes += bytes;
    }

    /** Frames the client has acknowledged: calls held back by unacknowledged frames may go on. */
    void framesAcknowledged(int frames, long bytes) {
        boolean wasFull = !mayKeepMore();
        held.add(-bytes);
        unacknowledgedFrames -= frames;
        unacknowledgedBytes -= bytes;
        if (wasFull && mayKeepMore()) {
            askAllForResponses();
        }
    }

    /**
     * Whether calls may ask for more responses: what the client has not acknowledged is under its
     * bound in bytes, and in frames under half the socket's bound on unwritten frames (so that all
     * of them sent again on a resumed socket fit under it), and the socket has written at least
     * half its unwritten frames (many calls' small frames of one event-loop turn could otherwise
     * pass the bound before the turn's flush).
     */
    boolean mayKeepMore() {
        int halfOfUnwritten = limits.maxUnwrittenFrames() / 2;
        return unacknowledgedBytes < bounds.maxUnacknowledgedBytes() && unacknowledgedFrames < halfOfUnwritten
                && unwrittenFrames < halfOfUnwritten;
    }

    private void askAllForResponses() {
        for (SessionCall call : new ArrayList<>(calls.values())) {
            call.askForResponses();
        }
    }

    /** Bytes the session no longer holds. */
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

    /** A call's gRPC call is over (its status, if any, is sent). */
    void callEnded(SessionCall call) {
        running--;
        metrics.streamEnded();
        if (state == State.DRAINING && running == 0) {
            close(CloseRules.GOING_AWAY, "gateway restarting");
        }
    }

    /**
     * Hands a frame to the socket, if there is one (frames kept for a resume wait with their call
     * otherwise). A client that has stopped reading its socket loses the session; one that
     * acknowledges slowly is paced ({@link #mayKeepMore}).
     */
    void write(String frame) {
        write(frame, Utf8.length(frame));
    }

    /** {@link #write(String)}, for a frame whose UTF-8 length its caller has counted already. */
    void write(String frame, int bytes) {
        if (state == State.CLOSED || state == State.DETACHED) {
            return;
        }
        if (unwrittenFrames >= limits.maxUnwrittenFrames() || unwrittenBytes + bytes > limits.maxUnwrittenBytes()) {
            close(CloseRules.POLICY_VIOLATION, "client is not reading: " + unwrittenFrames + " frames, " + unwrittenBytes
                    + " bytes unwritten");
            return;
        }
        ClientSocket to = socket;
        unwrittenFrames++;
        unwrittenBytes += bytes;
        metrics.unwrittenFrames(1);
        metrics.frameSent();
        to.send(frame, () -> onLoop(() -> {
            metrics.unwrittenFrames(-1);
            if (to == socket) {
                boolean wasFull = !mayKeepMore();
                unwrittenFrames--;
                unwrittenBytes -= bytes;
                to.readMore();
                if (wasFull && mayKeepMore() && state != State.CLOSED) {
                    askAllForResponses();
                }
            }
        }));
    }

    // ---- its end -----------------------------------------------------------------------------

    /**
     * For a graceful shutdown, from any thread: no call opens any more; the socket closes 1001 once
     * the running calls have ended, or at {@code timeout}; a detached session just ends. Completes
     * once the session is over.
     */
    public CompletionStage<Void> drain(Duration timeout) {
        onLoop(() -> {
            if (state == State.DETACHED || state == State.ATTACHED && running == 0) {
                close(CloseRules.GOING_AWAY, "gateway restarting");
            } else if (state == State.ATTACHED) {
                state = State.DRAINING;
                timer = eventLoop.owner().setTimer(timeout.toMillis(),
                        id -> close(CloseRules.GOING_AWAY, "gateway restarting; calls still open were cancelled"));
            }
        });
        return over;
    }

    private void onEvicted() {
        if (state != State.CLOSED) {
            close(CloseRules.POLICY_VIOLATION, "gateway over its memory budget; this session held " + held.bytes() + " bytes");
        }
    }

    /** The gateway ends the session: its calls are cancelled, its socket (if any) closed with {@code code}. */
    private void close(int code, String reason) {
        if (state == State.CLOSED) {
            return;
        }
        boolean attached = state != State.DETACHED;
        end();
        if (attached) {
            metrics.closedWith(code);
            socket.stopReading();
            socket.close(code, reason);
        }
    }

    /** Over: the calls cancelled, the token forgotten, the memory given back. */
    private void end() {
        state = State.CLOSED;
        if (timer != -1) {
            eventLoop.owner().cancelTimer(timer);
            timer = -1;
        }
        for (SessionCall call : new ArrayList<>(calls.values())) {
            call.abandon();
        }
        calls.clear();
        backends.registry().remove(token);
        held.close();
        metrics.sessionClosed();
        LOG.infof("[%s] session over after %d ms: %d calls%s", socket.id(), (clock.getAsLong() - openedAt) / 1_000_000, callCount,
                client == null ? "" : ", client " + client);
        over.complete(null);
    }

    /** The socket {@code from} failed (websockets-next reports it to @OnError). */
    public void onSocketFailure(ClientSocket from, Throwable failure) {
        onLoop(() -> {
            if (from != socket || state == State.CLOSED || state == State.DETACHED) {
                LOG.debugf("[%s] failed after its session let go of it: %s", from.id(), failure);
            } else if (CloseRules.isMessageOverCeiling(failure)) {
                close(CloseRules.MESSAGE_TOO_BIG, "message larger than " + limits.maxFrameBytes() + " bytes");
            } else {
                LOG.warnf(failure, "[%s] failed", from.id());
                close(CloseRules.INTERNAL_ERROR, "gateway error");
            }
        });
    }

    /**
     * The socket {@code from} is gone with {@code code}. A client that closed it (1000) has ended the
     * session; a socket lost any other way leaves it waiting for a new one, within the resume window.
     */
    public void onSocketClosed(ClientSocket from, int code) {
        onLoop(() -> {
            if (from != socket || state == State.CLOSED) {
                return;
            }
            if (code == CloseRules.NORMAL || state == State.DRAINING) {
                end();
                return;
            }
            state = State.DETACHED;
            unwrittenFrames = 0;
            unwrittenBytes = 0;
            LOG.infof("[%s] session detached (%d), waiting %d ms for its client: %d calls", from.id(), code,
                    bounds.resumeWindow().toMillis(), calls.size());
            timer = eventLoop.owner().setTimer(bounds.resumeWindow().toMillis(), id -> {
                timer = -1;
                metrics.sessionExpired();
                end();
            });
        });
    }

    /** Whether {@code of} is to be read now: while it is the session's socket and its client reads what it is sent. */
    public InboundFrameGate.Reader readerOf(ClientSocket of) {
        return new Reading(of);
    }

    /** Runs {@code task} on the session's event loop: at once when already there. */
    private void onLoop(Runnable task) {
        if (Vertx.currentContext() == eventLoop) {
            task.run();
        } else {
            eventLoop.runOnContext(ignored -> task.run());
        }
    }

    /** Reads its socket while the client reads what it is sent (asked on the socket's own event loop). */
    private final class Reading implements InboundFrameGate.Reader {

        private final ClientSocket of;

        Reading(ClientSocket of) {
            this.of = of;
        }

        @Override
        public boolean wantsMessage() {
            State now = state;
            return of == socket && now != State.CLOSED && now != State.DETACHED && unwrittenFrames < limits.maxUnwrittenFrames() / 2
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
            onLoop(() -> {
                if (of == socket) {
                    close(CloseRules.MESSAGE_TOO_BIG, "frame larger than " + limits.maxFrameBytes() + " bytes");
                }
            });
        }
    }
}
