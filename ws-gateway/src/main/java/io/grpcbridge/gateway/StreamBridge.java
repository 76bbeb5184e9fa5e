package io.grpcbridge.gateway;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;

import org.jboss.logging.Logger;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpcbridge.chat.api.Request;
import io.grpcbridge.chat.api.Response;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import io.vertx.core.Context;

/**
 * Everything one socket holds: the emitter of its inputs, its {@code Chat.BidStream} call, the
 * frames in flight, and the rules for ending it. It is the only class that knows both sides.
 * <p>
 * All its methods run on the socket's event loop (gRPC callbacks are executed there too), so its
 * state needs no locks. Every way out ends in {@link #release()}, which is safe to call twice.
 */
final class StreamBridge implements FlowControlledClientCall.Listener<Request> {

    /** Where each socket keeps its bridge. */
    static final UserData.TypedKey<StreamBridge> KEY = new UserData.TypedKey<>("stream-bridge");
    private static final Logger LOG = Logger.getLogger(StreamBridge.class);
    private static final String INVALID_ARGUMENT = Status.Code.INVALID_ARGUMENT.name();

    private final WebSocketConnection socket;
    private final FrameCodec<Request> codec;
    private final GatewayConfig.Socket limits;
    private final GatewayMetrics metrics;
    private final long openedAt = System.nanoTime();
    private final CompletableFuture<Void> socketClosed = new CompletableFuture<>();
    private final InputRateLimit inputRate;
    private final UnicastProcessor<Request> inputs;

    private Context eventLoop;
    private Flow.Subscription outputs;
    private long drainTimer = -1;
    /** When the oldest input not yet followed by any output was accepted; 0 when none waits. */
    private long awaitingOutputSince;
    private int pendingInputs;
    private long pendingInputBytes;
    private int unwrittenFrames;
    private long inputCount;
    private long outputCount;
    private boolean inputEnded;
    private boolean callEnded;
    private boolean draining;
    private boolean closing;
    private boolean released;

    StreamBridge(WebSocketConnection socket, FrameCodec<Request> codec, GatewayConfig.Socket limits,
            GatewayMetrics metrics) {
        this.socket = socket;
        this.codec = codec;
        this.limits = limits;
        this.metrics = metrics;
        this.inputRate = new InputRateLimit(limits.maxInputsPerSecond(), openedAt);
        // The emitter of the call's request stream: a bounded queue (allocated as it fills), and
        // emitted to only below that bound.
        this.inputs = UnicastProcessor.create(new LinkedBlockingQueue<>(limits.maxPendingInputs()), null);
    }

    /** Starts the socket's call, whose callbacks will run on {@code eventLoop}: this socket's thread. */
    void open(ChatClient chat, Context eventLoop) {
        this.eventLoop = eventLoop;
        metrics.streamOpened();
        Executor onThisSocketsThread = task -> eventLoop.runOnContext(ignored -> task.run());
        io.opentelemetry.context.Context upgradeTrace = socket.userData().get(UpgradeGuard.UPGRADE_TRACE);
        if (upgradeTrace != io.opentelemetry.context.Context.root()) {
            // Tracing is on: the call (and so its client span) starts in the trace of the upgrade.
            onThisSocketsThread = upgradeTrace.wrap(onThisSocketsThread);
        }
        Metadata metadata = socket.userData().get(CallMetadata.KEY);
        chat.bidStream(inputs, metadata, onThisSocketsThread, this).subscribe().withSubscriber(new Outputs());
    }

    /**
     * For a graceful shutdown: no more input, the outputs already due are delivered, then the socket
     * closes with 1001; after {@code timeout} it closes with 1001 anyway. Completes once it is closed.
     */
    CompletionStage<Void> drain(Duration timeout) {
        eventLoop.runOnContext(ignored -> {
            if (closing) {
                return;
            }
            draining = true;
            drainTimer = eventLoop.owner().setTimer(timeout.toMillis(),
                    id -> close(CloseRules.GOING_AWAY, "gateway restarting; outputs still due were not delivered"));
            if (!inputEnded) {
                inputEnded = true;
                inputs.onComplete();
            }
        });
        return socketClosed;
    }

    void onText(String text) {
        if (closing) {
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
        if (closing) {
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
        if (draining) {
            sendError(Status.Code.UNAVAILABLE.name(), "gateway restarting: input not accepted");
            return;
        }
        if (inputEnded) {
            sendError(INVALID_ARGUMENT, "input after {\"end\":true}: the request stream is already closed");
            return;
        }
        long now = System.nanoTime();
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
        int size = request.getSerializedSize();
        if (pendingInputs >= limits.maxPendingInputs() || pendingInputBytes + size > limits.maxPendingInputBytes()) {
            close(CloseRules.POLICY_VIOLATION, "more than " + limits.maxPendingInputs() + " inputs or "
                    + limits.maxPendingInputBytes() + " bytes waiting for chat-service");
            return;
        }
        send(codec.encode(request), false);
        if (closing) {
            return; // the echo found the client not reading
        }
        inputCount++;
        if (awaitingOutputSince == 0) {
            awaitingOutputSince = now;
        }
        pendingInputs++;
        pendingInputBytes += size;
        metrics.pendingInputs(1);
        inputs.onNext(request);
    }

    private void endInput() {
        if (inputEnded) {
            sendError(INVALID_ARGUMENT, "{\"end\":true} was already sent");
            return;
        }
        inputEnded = true;
        inputs.onComplete();
    }

    @Override
    public void onRequestSent(Request request) {
        pendingInputs--;
        pendingInputBytes -= request.getSerializedSize();
        metrics.pendingInputs(-1);
    }

    private void sendError(String code, String message) {
        metrics.errorFrameSent(code);
        send(codec.error(code, message), false);
    }

    private void send(String frame, boolean isOutput) {
        if (unwrittenFrames >= limits.maxUnwrittenFrames()) {
            close(CloseRules.POLICY_VIOLATION, "client is not reading: " + unwrittenFrames + " frames unwritten");
            return;
        }
        unwrittenFrames++;
        metrics.unwrittenFrames(1);
        metrics.frameSent();
        socket.sendText(frame).subscribe().with(
                written -> frameWritten(isOutput),
                failure -> frameWritten(false));
    }

    private void frameWritten(boolean isOutput) {
        unwrittenFrames--;
        metrics.unwrittenFrames(-1);
        if (isOutput && !callEnded) {
            outputs.request(1);
        }
    }

    private void close(int code, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        metrics.closedWith(code);
        release();
        socket.close(CloseRules.reason(code, reason)).subscribe().with(
                closed -> {
                },
                failure -> LOG.debugf("[%s] close %d failed: %s", socket.id(), code, failure));
    }

    /** The socket itself failed (websockets-next reports it to @OnError): close it by the rules. */
    void onSocketFailure(Throwable failure) {
        if (closing) {
            LOG.debugf("[%s] failed while closing: %s", socket.id(), failure);
        } else if (CloseRules.isMessageOverCeiling(failure)) {
            close(CloseRules.MESSAGE_TOO_BIG, "message larger than " + limits.maxFrameBytes() + " bytes");
        } else {
            LOG.warnf(failure, "[%s] failed", socket.id());
            close(CloseRules.INTERNAL_ERROR, "gateway error");
        }
    }

    /** Ends the call if it still runs and gives back everything counted for this socket. */
    void release() {
        if (released) {
            return;
        }
        released = true;
        if (drainTimer != -1) {
            eventLoop.owner().cancelTimer(drainTimer);
        }
        if (!callEnded) {
            callEnded();
            outputs.cancel();
        }
        metrics.pendingInputs(-pendingInputs);
        pendingInputs = 0;
        pendingInputBytes = 0;
    }

    /** The client is gone: one log line that sums up the connection. */
    void onSocketClosed(int code) {
        closing = true;
        release();
        LOG.infof("[%s] closed %s after %d ms: %d inputs, %d outputs", socket.id(),
                code == CloseRules.NO_STATUS ? "without a close code" : String.valueOf(code),
                (System.nanoTime() - openedAt) / 1_000_000, inputCount, outputCount);
        socketClosed.complete(null);
    }

    private void callEnded() {
        callEnded = true;
        metrics.streamEnded();
    }

    /** Responses -> socket, requested only as the socket writes them. */
    private final class Outputs implements Flow.Subscriber<Response> {

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            outputs = subscription;
            subscription.request(limits.sendWindow());
        }

        @Override
        public void onNext(Response response) {
            outputCount++;
            if (awaitingOutputSince != 0) {
                metrics.firstOutputAfter(System.nanoTime() - awaitingOutputSince);
                awaitingOutputSince = 0;
            }
            send(codec.encode(response), true);
        }

        @Override
        public void onComplete() {
            if (callEnded) {
                return;
            }
            callEnded();
            if (draining) {
                close(CloseRules.GOING_AWAY, "gateway restarting");
            } else {
                close(CloseRules.NORMAL, "chat ended");
            }
        }

        @Override
        public void onError(Throwable failure) {
            if (callEnded) {
                return;
            }
            callEnded();
            Status status = Status.fromThrowable(failure);
            LOG.infof("[%s] chat-service call failed: %s", socket.id(), status);
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
