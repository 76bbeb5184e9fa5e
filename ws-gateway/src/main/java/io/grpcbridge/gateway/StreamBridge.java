package io.grpcbridge.gateway;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import com.google.protobuf.Message;

import io.grpc.Metadata;
import io.grpc.Status;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Multi;
import io.vertx.core.Context;

/**
 * Everything one socket holds: the emitter of its inputs, its gRPC call, the frames on their way to
 * the client, its share of the gateway's memory budget, and the rules for ending it. It is the only
 * class that knows both sides; what its frames look like is its {@link FrameFormat}'s business.
 * <p>
 * All its methods run on the socket's event loop (gRPC callbacks are executed there too, and
 * {@link #drain} hops there), so its state needs no locks. Every way out ends in {@link #release},
 * which is safe to call twice; what the socket still holds is given back when it is gone
 * ({@link #onSocketClosed}).
 */
final class StreamBridge {

    /** Where each socket keeps its bridge. */
    static final UserData.TypedKey<StreamBridge> KEY = new UserData.TypedKey<>("stream-bridge");
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

    /** What every bridge shares: the bounds, the meters, the budget and the clock (nanoseconds). */
    record Shared(GatewayConfig.Socket limits, GatewayMetrics metrics, MemoryBudget budget, LongSupplier clock) {
    }

    /** A socket's gRPC call: its inputs in, its outputs out, its headers and trailers to the watcher. */
    @FunctionalInterface
    interface Call {
        Multi<Message> start(Multi<Message> inputs, FlowControlledClientCall.Watcher watcher);
    }

    /** What a socket's call is: how its frames look, and whether it takes a stream of inputs or one. */
    record Method(FrameFormat frames, boolean clientStreams, String name) {
    }

    private final ClientSocket socket;
    private final String client;
    private final Context eventLoop;
    private final FrameFormat frames;
    private final Method method;
    private final GatewayConfig.Socket limits;
    private final GatewayMetrics metrics;
    private final LongSupplier clock;
    private final long openedAt;
    private final InputRateLimit inputRate;
    private final InputEmitter<Message> inputs;
    private final MemoryBudget.Account held;
    private final CompletableFuture<Void> socketClosed = new CompletableFuture<>();

    private State state = State.OPEN;
    private Flow.Subscription outputs;
    private long drainTimer = -1;
    /** When the oldest input not yet followed by any output was accepted, or {@link #NONE}. */
    private long awaitingOutputSince = NONE;
    /** Outputs requested from the call and not yet written to the socket. */
    private int outputsInFlight;
    private int unwrittenFrames;
    private long unwrittenBytes;
    private long inputCount;
    private long outputCount;
    /** The trailers of a call that ended OK (a failed call's travel with its exception). */
    private Metadata trailers = new Metadata();

    private StreamBridge(ClientSocket socket, String client, Context eventLoop, Shared shared, Method method) {
        this.socket = socket;
        this.client = client;
        this.eventLoop = eventLoop;
        this.method = method;
        this.frames = method.frames();
        this.limits = shared.limits();
        this.metrics = shared.metrics();
        this.clock = shared.clock();
        this.openedAt = clock.getAsLong();
        this.inputRate = new InputRateLimit(limits.maxInputsPerSecond(), openedAt);
        this.inputs = new InputEmitter<>(limits.maxPendingInputs(), limits.maxPendingInputBytes(), this::inputsChanged);
        this.held = shared.budget().open(() -> eventLoop.runOnContext(ignored -> onEvicted()));
    }

    /**
     * Opens a socket's bridge and starts its call, on {@code eventLoop}, the socket's thread (the
     * caller's): {@code call} turns the socket's inputs into the call's responses, with the call's
     * callbacks run on that same thread. {@code client} names the client in log lines (may be null).
     */
    static StreamBridge open(ClientSocket socket, String client, Context eventLoop, Shared shared, Method method,
            Call call) {
        StreamBridge bridge = new StreamBridge(socket, client, eventLoop, shared, method);
        bridge.metrics.streamOpened();
        Outputs outputs = bridge.new Outputs();
        call.start(bridge.inputs.multi(), outputs).subscribe().withSubscriber(outputs);
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
    CompletionStage<Void> drain(Duration timeout) {
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

    void onText(String text) {
        if (state == State.CLOSED) {
            return;
        }
        metrics.frameReceived();
        if (FrameCodec.longerThan(text, limits.maxFrameBytes())) {
            close(CloseRules.MESSAGE_TOO_BIG, "frame larger than " + limits.maxFrameBytes() + " bytes");
            return;
        }
        FrameCodec.Frame<Message> frame = frames.decode(text);
        if (frame instanceof FrameCodec.Input<Message> input) {
            accept(input.request());
        } else if (frame instanceof FrameCodec.End<Message>) {
            endInput();
        } else if (frame instanceof FrameCodec.Bad<Message> bad) {
            sendError(INVALID_ARGUMENT, bad.reason());
        }
    }

    void onBinary(int bytes) {
        if (state == State.CLOSED) {
            return;
        }
        metrics.frameReceived();
        if (bytes > limits.maxFrameBytes()) {
            close(CloseRules.MESSAGE_TOO_BIG, "frame larger than " + limits.maxFrameBytes() + " bytes");
            return;
        }
        sendError(INVALID_ARGUMENT, "binary frames are not accepted; send JSON text frames");
    }

    private void accept(Message request) {
        if (state == State.DRAINING) {
            sendError(Status.Code.UNAVAILABLE.name(), "gateway restarting: input not accepted");
            return;
        }
        if (state == State.INPUT_ENDED) {
            sendError(INVALID_ARGUMENT, "input after {\"end\":true}: the request stream is already closed");
            return;
        }
        if (state == State.SINGLE_INPUT_TAKEN) {
            sendError(INVALID_ARGUMENT, method.name() + " takes exactly one message: this one was not sent");
            return;
        }
        long now = clock.getAsLong();
        switch (inputRate.take(now)) {
            case REJECT_AND_WARN -> {
                sendError(Status.Code.RESOURCE_EXHAUSTED.name(),
                        "more than " + limits.maxInputsPerSecond() + " inputs a second: inputs are dropped");
                return;
            }
            case REJECT -> {
                return;
            }
            case CLOSE -> {
                close(CloseRules.POLICY_VIOLATION, "more than " + limits.maxInputsPerSecond() + " inputs a second");
                return;
            }
            case ACCEPT -> {
            }
        }
        if (!inputs.hasRoomFor(request)) {
            close(CloseRules.POLICY_VIOLATION, "more than " + limits.maxPendingInputs() + " inputs or "
                    + limits.maxPendingInputBytes() + " bytes waiting for " + frames.peer());
            return;
        }
        String echo = frames.echo(request);
        if (echo != null && !send(echo, false)) {
            return; // the echo found the client not reading
        }
        inputCount++;
        if (awaitingOutputSince == NONE) {
            awaitingOutputSince = now;
        }
        inputs.offer(request);
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

    private void inputsChanged(int count, long bytes) {
        metrics.pendingInputs(count);
        held.add(bytes);
    }

    private void sendError(String code, String message) {
        metrics.errorFrameSent(code);
        send(frames.error(code, message), false);
    }

    /** Hands a frame to the socket unless a bound forbids it (then closes it); false if closed. */
    private boolean send(String frame, boolean isOutput) {
        int bytes = FrameCodec.utf8Length(frame);
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
    void onSocketFailure(Throwable failure) {
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
        if (outputs != null) {
            outputs.cancel();
        }
        inputs.discard();
        metrics.streamEnded();
    }

    /** The client is gone, and with its connection every frame not yet written: one log line sums it up. */
    void onSocketClosed(int code) {
        release();
        held.close();
        LOG.infof("[%s] closed %s after %d ms: %d inputs, %d outputs%s", socket.id(),
                code == CloseRules.NO_STATUS ? "without a close code" : String.valueOf(code),
                (clock.getAsLong() - openedAt) / 1_000_000, inputCount, outputCount, client == null ? "" : ", client " + client);
        socketClosed.complete(null);
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
        public void closed(Status status, Metadata callTrailers) {
            trailers = callTrailers;
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
                end(frames.ended(Status.OK, trailers));
            }
        }

        @Override
        public void onError(Throwable failure) {
            if (state == State.CLOSED) {
                return;
            }
            Status status = Status.fromThrowable(failure);
            Metadata failureTrailers = Status.trailersFromThrowable(failure);
            LOG.infof("[%s] %s call failed: %s%s", socket.id(), frames.peer(), status.getCode(),
                    status.getDescription() == null ? "" : " (" + status.getDescription() + ")");
            metrics.errorFrameSent(status.getCode().name());
            // What the client is told: the status, never the service's address or a stack trace.
            end(frames.ended(status, failureTrailers == null ? new Metadata() : failureTrailers));
        }
    }
}
