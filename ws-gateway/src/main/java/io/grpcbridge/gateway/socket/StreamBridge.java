package io.grpcbridge.gateway.socket;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import com.google.protobuf.Message;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpcbridge.gateway.backend.FlowControlledClientCall;
import io.grpcbridge.gateway.config.GatewayConfig;
import io.grpcbridge.gateway.internals.InboundFrameGate;
import io.grpcbridge.gateway.json.Utf8;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Multi;
import io.vertx.core.Context;

/**
 * Everything one socket holds: its input window and the emitter of its inputs, its gRPC call, the
 * frames on their way to the client, its share of the gateway's memory budget, and the rules for
 * pacing and ending it. It is the only class that knows both sides; what its frames look like is
 * its {@link FrameFormat}'s business.
 * <p>
 * Pacing both ways: the call is asked for outputs only as the socket writes them (the send window),
 * and the socket is read only while its input window has room, its writes are not backed up, its
 * message rate allows and the gateway is not short of memory ({@link Reading}); otherwise the
 * socket's connection is not read, and TCP holds the client back.
 * <p>
 * All its methods run on the socket's event loop (gRPC callbacks are executed there too, and
 * {@link #drain} hops there), so its state needs no locks. Every way out ends in {@link #release},
 * which is safe to call twice; what the socket still holds is given back when it is gone
 * ({@link #onSocketClosed}).
 */
public final class StreamBridge {

    /** Where each socket keeps its bridge. */
    public static final UserData.TypedKey<StreamBridge> KEY = new UserData.TypedKey<>("stream-bridge");
    private static final Logger LOG = Logger.getLogger(StreamBridge.class);
    private static final String INVALID_ARGUMENT = Status.Code.INVALID_ARGUMENT.name();
    private static final long NONE = Long.MIN_VALUE;

    /** Where a socket is in its life. */
    enum State {
        /** The call runs and inputs are accepted. */
        OPEN,
        /** The client sent {@code {"end":true}}: the call runs, no more input. */
        INPUT_ENDED,
        /** A unary or server-streaming call has its one input: the call runs, no more input. */
        SINGLE_INPUT_TAKEN,
        /** The gateway is shutting down: no more input; the outputs due go out, then 1001. */
        DRAINING,
        /** Closing or closed: the call is over; nothing is accepted or sent any more. */
        CLOSED
    }

    /** Why a socket is not read. */
    enum Pause {
        /** Its input window is full: the call has not taken what was read. */
        WINDOW,
        /**
         * Half its bounds on unwritten frames are reached, counting the echoes and errors the
         * messages read may still add: the client reads too slowly.
         */
        UNWRITTEN,
        /** It sends faster than gateway.socket.max-inputs-per-second. */
        RATE,
        /** The gateway holds more than three quarters of its memory budget, this socket some of it. */
        BUDGET
    }

    /** What every bridge shares: the bounds, the meters, the budget and the clock (nanoseconds). */
    public record Shared(GatewayConfig.Socket limits, GatewayMetrics metrics, MemoryBudget budget, LongSupplier clock) {
    }

    /** A socket's gRPC call: its inputs in, its outputs out, its headers and trailers to the watcher. */
    @FunctionalInterface
    public interface Call {
        Multi<Message> start(Multi<Message> inputs, FlowControlledClientCall.Watcher watcher);
    }

    /** What a socket's call is: how its frames look, and whether it takes a stream of inputs or one. */
    public record Method(FrameFormat frames, boolean clientStreams, String name) {
    }

    private final ClientSocket socket;
    private final String client;
    private final boolean logged;
    private final Context eventLoop;
    private final FrameFormat frames;
    private final Method method;
    private final GatewayConfig.Socket limits;
    private final GatewayMetrics metrics;
    private final LongSupplier clock;
    private final long openedAt;
    private final InputRateLimit inputRate;
    private final InputWindow window;
    private final InputEmitter<Message> inputs;
    private final MemoryBudget budget;
    private final MemoryBudget.Account held;
    private final CompletableFuture<Void> socketClosed = new CompletableFuture<>();

    private State state = State.OPEN;
    private Flow.Subscription outputs;
    private long drainTimer = -1;
    private long rateTimer = -1;
    /** When the oldest input not yet followed by any output was accepted, or {@link #NONE}. */
    private long awaitingOutputSince = NONE;
    /** Outputs requested from the call and not yet written to the socket. */
    private int outputsInFlight;
    private int unwrittenFrames;
    private long unwrittenBytes;
    private long inputCount;
    private long outputCount;
    /** The most bytes the input window has held. */
    private long windowPeak;
    /** How the call ended, once it has. */
    private FlowControlledClientCall.Outcome outcome;

    private StreamBridge(ClientSocket socket, String client, boolean logged, Context eventLoop, Shared shared, Method method) {
        this.socket = socket;
        this.client = client;
        this.logged = logged;
        this.eventLoop = eventLoop;
        this.method = method;
        this.frames = method.frames();
        this.limits = shared.limits();
        this.metrics = shared.metrics();
        this.clock = shared.clock();
        this.openedAt = clock.getAsLong();
        this.inputRate = new InputRateLimit(limits.maxInputsPerSecond(), openedAt);
        this.window = new InputWindow(limits.inputWindow(), limits.inputWindowBytes());
        this.inputs = new InputEmitter<>(this::inputsLeft);
        this.budget = shared.budget();
        this.held = budget.open(() -> eventLoop.runOnContext(ignored -> onEvicted()));
    }

    /**
     * Opens a socket's bridge and starts its call, on {@code eventLoop}, the socket's thread (the
     * caller's): {@code call} turns the socket's inputs into the call's responses, with the call's
     * callbacks run on that same thread. {@code client} names the client in log lines (may be null);
     * a socket not {@code logged} (the gateway's own warm-up) has no line when it closes.
     * The socket is read from then on, as its input window allows.
     */
    public static StreamBridge open(ClientSocket socket, String client, boolean logged, Context eventLoop, Shared shared,
            Method method, Call call) {
        StreamBridge bridge = new StreamBridge(socket, client, logged, eventLoop, shared, method);
        bridge.metrics.streamOpened();
        Outputs outputs = bridge.new Outputs();
        call.start(bridge.inputs.multi(), outputs).subscribe().withSubscriber(outputs);
        socket.read(bridge.new Reading());
        return bridge;
    }

    State state() {
        return state;
    }

    /**
     * For a graceful shutdown, from any thread: no more input, the outputs already due are
     * delivered, then the socket closes with 1001; after {@code timeout} it closes with 1001 anyway.
     * Completes once the socket is closed.
     */
    public CompletionStage<Void> drain(Duration timeout) {
        eventLoop.runOnContext(ignored -> {
            if (state == State.CLOSED || state == State.DRAINING) {
                return;
            }
            if (state == State.OPEN) {
                inputs.complete();
            }
            state = State.DRAINING;
            drainTimer = eventLoop.owner().setTimer(timeout.toMillis(),
                    id -> close(CloseRules.GOING_AWAY, "gateway restarting; outputs still due were not delivered"));
        });
        return socketClosed;
    }

    /** A text message, in the order the socket read it. */
    public void onText(String text) {
        if (state == State.CLOSED) {
            return;
        }
        int bytes = window.delivered();
        metrics.frameReceived();
        if (Utf8.longerThan(text, limits.maxFrameBytes())) {
            close(CloseRules.MESSAGE_TOO_BIG, "frame larger than " + limits.maxFrameBytes() + " bytes");
            return;
        }
        ClientFrame frame = frames.decode(text);
        if (frame instanceof ClientFrame.Input input) {
            accept(input.request(), bytes);
            return;
        }
        leave(1, bytes);
        if (frame instanceof ClientFrame.End) {
            endInput();
        } else if (frame instanceof ClientFrame.Bad bad) {
            sendError(INVALID_ARGUMENT, bad.reason());
        }
    }

    /** A binary message of {@code bytes}, in the order the socket read it. */
    public void onBinary(int bytes) {
        if (state == State.CLOSED) {
            return;
        }
        leave(1, window.delivered());
        metrics.frameReceived();
        if (bytes > limits.maxFrameBytes()) {
            close(CloseRules.MESSAGE_TOO_BIG, "frame larger than " + limits.maxFrameBytes() + " bytes");
            return;
        }
        sendError(INVALID_ARGUMENT, "binary frames are not accepted; send JSON text frames");
    }

    /** An input that came in a frame of {@code bytes}: it stays in the window until the call takes it. */
    private void accept(Message request, int bytes) {
        String refusal = switch (state) {
            case DRAINING -> "gateway restarting: input not accepted";
            case INPUT_ENDED -> "input after {\"end\":true}: the request stream is already closed";
            case SINGLE_INPUT_TAKEN -> method.name() + " takes exactly one message: this one was not sent";
            default -> null;
        };
        if (refusal != null) {
            leave(1, bytes);
            sendError(state == State.DRAINING ? Status.Code.UNAVAILABLE.name() : INVALID_ARGUMENT, refusal);
            return;
        }
        String echo = frames.echo(request);
        if (echo != null && !send(echo, false)) {
            return; // the echo found the client not reading
        }
        inputCount++;
        if (awaitingOutputSince == NONE) {
            awaitingOutputSince = clock.getAsLong();
        }
        inputs.offer(request, bytes);
        if (!method.clientStreams()) {
            state = State.SINGLE_INPUT_TAKEN;
            inputs.complete();
        }
    }

    private void endInput() {
        switch (state) {
            case OPEN -> {
                if (!method.clientStreams()) {
                    sendError(INVALID_ARGUMENT, method.name() + " takes exactly one message: send it before {\"end\":true}");
                    return;
                }
                state = State.INPUT_ENDED;
                inputs.complete();
            }
            case SINGLE_INPUT_TAKEN -> {
                // The one input already ended the request stream.
            }
            case INPUT_ENDED -> sendError(INVALID_ARGUMENT, "{\"end\":true} was already sent");
            default -> sendError(INVALID_ARGUMENT, "gateway restarting: the request stream is already closed");
        }
    }

    /** Inputs taken by the call (or dropped with it) leave the window. */
    private void inputsLeft(int count, long bytes) {
        if (state != State.CLOSED) {
            leave(count, bytes);
        }
    }

    /** Messages that were read have left the socket's window: it may read more. */
    private void leave(int count, long bytes) {
        window.left(count, bytes);
        held.add(-bytes);
        metrics.pendingInputs(-count);
        readMore();
    }

    private void readMore() {
        if (state != State.CLOSED) {
            socket.readMore();
        }
    }

    private void sendError(String code, String message) {
        metrics.errorFrameSent(code);
        send(frames.error(code, message), false);
    }

    /** Hands a frame to the socket unless a bound forbids it (then closes it); false if closed. */
    private boolean send(String frame, boolean isOutput) {
        int bytes = Utf8.length(frame);
        if (unwrittenFrames >= limits.maxUnwrittenFrames() || unwrittenBytes + bytes > limits.maxUnwrittenBytes()) {
            close(CloseRules.POLICY_VIOLATION, "client is not reading: " + unwrittenFrames + " frames, "
                    + unwrittenBytes + " bytes unwritten");
            return false;
        }
        unwrittenFrames++;
        unwrittenBytes += bytes;
        held.add(bytes);
        metrics.unwrittenFrames(1);
        metrics.frameSent();
        socket.send(frame, () -> frameWritten(bytes, isOutput));
        return true;
    }

    private void frameWritten(int bytes, boolean isOutput) {
        unwrittenFrames--;
        unwrittenBytes -= bytes;
        held.add(-bytes);
        metrics.unwrittenFrames(-1);
        if (isOutput) {
            outputsInFlight--;
        }
        requestOutputs();
        readMore();
    }

    /** Asks the call for outputs while the send window, in frames and in bytes, has room. */
    private void requestOutputs() {
        while (state != State.CLOSED && outputsInFlight < limits.sendWindow() && unwrittenBytes < limits.sendWindowBytes()) {
            outputsInFlight++;
            outputs.request(1);
        }
    }

    private void onEvicted() {
        if (state != State.CLOSED) {
            close(CloseRules.POLICY_VIOLATION, "gateway over its memory budget; this socket held " + held.bytes() + " bytes");
        }
    }

    /** The gateway ends the call: the client is told why (as its frame format says), then the socket closes. */
    private void close(int code, String reason) {
        end(new FrameFormat.Ending(frames.closing(code, reason), code, reason));
    }

    /**
     * The last frame, outside the bounds on unwritten frames (the client is to hear why its call
     * ends even when it reads slowly), then the close.
     */
    private void end(FrameFormat.Ending ending) {
        if (state == State.CLOSED) {
            return;
        }
        if (ending.frame() != null) {
            metrics.frameSent();
            socket.send(ending.frame(), () -> {
            });
        }
        metrics.closedWith(ending.closeCode());
        release();
        socket.close(ending.closeCode(), ending.closeReason());
    }

    /** The socket itself failed (websockets-next reports it to @OnError): close it by the rules. */
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

    /** Ends the call if it still runs and drops the inputs that wait for it. */
    private void release() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (drainTimer != -1) {
            eventLoop.owner().cancelTimer(drainTimer);
        }
        if (rateTimer != -1) {
            eventLoop.owner().cancelTimer(rateTimer);
        }
        socket.stopReading();
        if (outputs != null) {
            outputs.cancel();
        }
        inputs.discard();
        held.add(-window.bytes());
        metrics.pendingInputs(-window.clear());
        metrics.inputWindowPeak(windowPeak);
        metrics.streamEnded();
    }

    /** The client is gone, and with its connection every frame not yet written: one log line sums it up. */
    public void onSocketClosed(int code) {
        release();
        held.close();
        if (logged) {
            LOG.infof("[%s] closed %s after %d ms: %d inputs, %d outputs%s", socket.id(),
                    code == CloseRules.NO_STATUS ? "without a close code" : String.valueOf(code),
                    (clock.getAsLong() - openedAt) / 1_000_000, inputCount, outputCount, client == null ? "" : ", client " + client);
        }
        socketClosed.complete(null);
    }

    /** Socket -> inputs: whether the socket is read, and what it read. */
    private final class Reading implements InboundFrameGate.Reader {

        private Pause pause;

        @Override
        public boolean wantsMessage() {
            if (state == State.CLOSED) {
                return false;
            }
            if (!window.hasRoom()) {
                return refuse(Pause.WINDOW);
            }
            // Counting the frames that messages already read may still add (an echo, an error each).
            if (unwrittenFrames + window.undelivered() >= limits.maxUnwrittenFrames() / 2
                    || unwrittenBytes + window.undeliveredBytes() >= limits.maxUnwrittenBytes() / 2) {
                return refuse(Pause.UNWRITTEN);
            }
            if (!window.isEmpty() && budget.underPressure()) {
                return refuse(Pause.BUDGET);
            }
            long now = clock.getAsLong();
            if (!inputRate.allows(now)) {
                readAgainIn(inputRate.nanosUntilAllowed(now));
                return refuse(Pause.RATE);
            }
            return true;
        }

        @Override
        public void messageRead(int bytes) {
            inputRate.take(clock.getAsLong());
            window.read(bytes);
            windowPeak = Math.max(windowPeak, window.bytes());
            held.add(bytes);
            metrics.pendingInputs(1);
        }

        @Override
        public void readingPaused() {
            metrics.readingPaused(pause);
        }

        @Override
        public void readingResumed() {
            metrics.readingResumed();
        }

        @Override
        public void messageTooLarge() {
            // After the messages read before it, which wait in the event loop's queue.
            eventLoop.runOnContext(ignored -> {
                if (state != State.CLOSED) {
                    close(CloseRules.MESSAGE_TOO_BIG, "frame larger than " + limits.maxFrameBytes() + " bytes");
                }
            });
        }

        private boolean refuse(Pause why) {
            pause = why;
            return false;
        }

        /** A message may be read after {@code nanos}: the socket is told then. */
        private void readAgainIn(long nanos) {
            if (rateTimer == -1) {
                // Asked from the connection's pipeline, where the current Vert.x context is not
                // necessarily the socket's: the timer's handler is sent to the socket's own.
                rateTimer = eventLoop.owner().setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos) + 1),
                        id -> eventLoop.runOnContext(ignored -> {
                            rateTimer = -1;
                            readMore();
                        }));
            }
        }
    }

    /** Responses -> socket, requested only as the socket writes them; headers and trailers too. */
    private final class Outputs implements Flow.Subscriber<Message>, FlowControlledClientCall.Watcher {

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            outputs = subscription;
            requestOutputs();
        }

        @Override
        public void headers(Metadata headers) {
            String frame = frames.headers(headers);
            if (state != State.CLOSED && frame != null) {
                send(frame, false);
            }
        }

        @Override
        public void closed(FlowControlledClientCall.Outcome callOutcome) {
            outcome = callOutcome;
        }

        @Override
        public void onNext(Message response) {
            if (state == State.CLOSED) {
                return;
            }
            outputCount++;
            if (awaitingOutputSince != NONE) {
                metrics.firstOutputAfter(clock.getAsLong() - awaitingOutputSince);
                awaitingOutputSince = NONE;
            }
            send(frames.output(response), true);
        }

        @Override
        public void onComplete() {
            if (state == State.DRAINING) {
                // The call ended because the gateway ended its input: for the client, cut short by the restart.
                close(CloseRules.GOING_AWAY, "gateway restarting");
            } else {
                end(frames.ended(outcome != null ? outcome : new FlowControlledClientCall.Outcome(Status.OK, new Metadata(), true)));
            }
        }

        @Override
        public void onError(Throwable failure) {
            if (state == State.CLOSED) {
                return;
            }
            FlowControlledClientCall.Outcome failed = outcome != null ? outcome
                    : new FlowControlledClientCall.Outcome(Status.fromThrowable(failure), new Metadata(), false);
            Status status = failed.status();
            LOG.infof("[%s] %s call failed: %s%s", socket.id(), frames.peer(), status.getCode(),
                    status.getDescription() == null ? "" : " (" + status.getDescription() + ")");
            metrics.errorFrameSent(status.getCode().name());
            // What the client is told: the status, never the service's address or a stack trace.
            end(frames.ended(failed));
        }
    }
}
