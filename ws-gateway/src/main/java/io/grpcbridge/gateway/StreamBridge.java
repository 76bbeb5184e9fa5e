package io.grpcbridge.gateway;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Function;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import io.grpc.Status;
import io.grpcbridge.chat.api.Request;
import io.grpcbridge.chat.api.Response;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Multi;
import io.vertx.core.Context;

/**
 * Everything one socket holds: the emitter of its inputs, its {@code Chat.BidStream} call, the
 * frames on their way to the client, its share of the gateway's memory budget, and the rules for
 * ending it. It is the only class that knows both sides.
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
        /** The gateway is shutting down: no more input; the outputs due go out, then 1001. */
        DRAINING,
        /** Closing or closed: the call is over; nothing is accepted or sent any more. */
        CLOSED
    }

    /** What every bridge shares: the codec, the bounds, the meters, the budget and the clock (nanoseconds). */
    record Shared(FrameCodec<Request> codec, GatewayConfig.Socket limits, GatewayMetrics metrics, MemoryBudget budget,
            LongSupplier clock) {
    }

    private final ClientSocket socket;
    private final String client;
    private final Context eventLoop;
    private final FrameCodec<Request> codec;
    private final GatewayConfig.Socket limits;
    private final GatewayMetrics metrics;
    private final LongSupplier clock;
    private final long openedAt;
    private final InputRateLimit inputRate;
    private final InputEmitter<Request> inputs;
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

    private StreamBridge(ClientSocket socket, String client, Context eventLoop, Shared shared) {
        this.socket = socket;
        this.client = client;
        this.eventLoop = eventLoop;
        this.codec = shared.codec();
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
    static StreamBridge open(ClientSocket socket, String client, Context eventLoop, Shared shared,
            Function<Multi<Request>, Multi<Response>> call) {
        StreamBridge bridge = new StreamBridge(socket, client, eventLoop, shared);
        bridge.metrics.streamOpened();
        call.apply(bridge.inputs.multi()).subscribe().withSubscriber(bridge.new Outputs());
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
        FrameCodec.Frame<Request> frame = codec.decode(text);
        if (frame instanceof FrameCodec.Input<Request> input) {
            accept(input.request());
        } else if (frame instanceof FrameCodec.End<Request>) {
            endInput();
        } else if (frame instanceof FrameCodec.Bad<Request> bad) {
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

    private void accept(Request request) {
        if (state == State.DRAINING) {
            sendError(Status.Code.UNAVAILABLE.name(), "gateway restarting: input not accepted");
            return;
        }
        if (state == State.INPUT_ENDED) {
            sendError(INVALID_ARGUMENT, "input after {\"end\":true}: the request stream is already closed");
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
                    + limits.maxPendingInputBytes() + " bytes waiting for chat-service");
            return;
        }
        if (!send(codec.encode(request), false)) {
            return; // the echo found the client not reading
        }
        inputCount++;
        if (awaitingOutputSince == NONE) {
            awaitingOutputSince = now;
        }
        inputs.offer(request);
    }

    private void endInput() {
        if (state != State.OPEN) {
            sendError(INVALID_ARGUMENT, state == State.INPUT_ENDED ? "{\"end\":true} was already sent"
                    : "gateway restarting: the request stream is already closed");
            return;
        }
        state = State.INPUT_ENDED;
        inputs.complete();
    }

    private void inputsChanged(int count, long bytes) {
        metrics.pendingInputs(count);
        held.add(bytes);
    }

    private void sendError(String code, String message) {
        metrics.errorFrameSent(code);
        send(codec.error(code, message), false);
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

    private void close(int code, String reason) {
        if (state == State.CLOSED) {
            return;
        }
        metrics.closedWith(code);
        release();
        socket.close(code, reason);
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

    /** Responses -> socket, requested only as the socket writes them. */
    private final class Outputs implements Flow.Subscriber<Response> {

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            outputs = subscription;
            requestOutputs();
        }

        @Override
        public void onNext(Response response) {
            if (state == State.CLOSED) {
                return;
            }
            outputCount++;
            if (awaitingOutputSince != NONE) {
                metrics.firstOutputAfter(clock.getAsLong() - awaitingOutputSince);
                awaitingOutputSince = NONE;
            }
            send(codec.encode(response), true);
        }

        @Override
        public void onComplete() {
            if (state == State.DRAINING) {
                close(CloseRules.GOING_AWAY, "gateway restarting");
            } else {
                close(CloseRules.NORMAL, "chat ended");
            }
        }

        @Override
        public void onError(Throwable failure) {
            if (state == State.CLOSED) {
                return;
            }
            Status status = Status.fromThrowable(failure);
            LOG.infof("[%s] chat-service call failed: %s%s", socket.id(), status.getCode(),
                    status.getDescription() == null ? "" : " (" + status.getDescription() + ")");
            String message = describe(status);
            sendError(status.getCode().name(), message);
            close(CloseRules.codeFor(status), message);
        }
    }

    /** What the client is told: the status, never the service's address or a stack trace. */
    private static String describe(Status status) {
        if (status.getCode() == Status.Code.UNAVAILABLE) {
            return "chat-service unavailable";
        }
        return "chat-service: " + (status.getDescription() == null ? status.getCode().name() : status.getDescription());
    }
}
