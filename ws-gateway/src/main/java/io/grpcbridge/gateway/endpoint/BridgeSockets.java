package io.grpcbridge.gateway.endpoint;

import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.regex.Pattern;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.grpcbridge.gateway.admission.Admission;
import io.grpcbridge.gateway.admission.CallMetadata;
import io.grpcbridge.gateway.backend.BackendCalls;
import io.grpcbridge.gateway.backend.BridgedMethod;
import io.grpcbridge.gateway.config.GatewayConfig;
import io.grpcbridge.gateway.internals.TcpConnection;
import io.grpcbridge.gateway.socket.ClientSocket;
import io.grpcbridge.gateway.socket.FrameFormat;
import io.grpcbridge.gateway.socket.GatewayMetrics;
import io.grpcbridge.gateway.socket.MemoryBudget;
import io.grpcbridge.gateway.socket.StreamBridge;
import io.opentelemetry.context.Scope;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * What every socket endpoint ({@link BridgeEndpoint}: {@code ChatWebSocket} on {@code /ws},
 * {@link MethodWebSocket} on {@code /ws/package.Service/Method}) does with its sockets: each gets its own
 * {@link StreamBridge}, which does the work, around a call of the method its upgrade was admitted
 * for ({@link Admission}). Every callback runs on the socket's event loop and returns at
 * once, so frames never wait in websockets-next's inbound queue, which has no bound in Quarkus 3.34.2.
 */
@Singleton
public class BridgeSockets {

    private static final Logger LOG = Logger.getLogger(BridgeSockets.class);
    /** A client's own name for itself, {@code ?client=<name>}, written on its log lines. */
    private static final Pattern CLIENT_PARAMETER = Pattern.compile("(?:^|&)client=([A-Za-z0-9_-]{1,64})(?:&|$)");

    private final BackendCalls calls;
    private final GatewayConfig.Socket limits;
    private final GatewayMetrics metrics;
    private final StreamBridge.Shared shared;

    BridgeSockets(BackendCalls calls, GatewayConfig config, GatewayMetrics metrics, MemoryBudget budget) {
        this.calls = calls;
        this.limits = config.socket();
        this.metrics = metrics;
        this.shared = new StreamBridge.Shared(limits, metrics, budget, System::nanoTime);
    }

    /** Opens the socket's bridge and starts its call of the admitted method, framed as {@code framing} says. */
    void open(WebSocketConnection connection, Function<BridgedMethod, FrameFormat> framing) {
        Admission admission = connection.userData().get(Admission.KEY);
        BridgedMethod method = admission.method();
        FrameFormat frames = framing.apply(method);
        String client = connected(connection, admission, method.fullName());
        Context eventLoop = Vertx.currentContext();
        Executor callbacks = callbacksIn(admission.trace());
        try (Scope inUpgradeTrace = admission.trace().makeCurrent()) {
            ClientSocket socket = ClientSocket.of(connection, admission.tcp(), admission.gate(), limits.closeTimeout());
            StreamBridge bridge = StreamBridge.open(socket, client, !admission.warmUp(),
                    eventLoop, shared, new StreamBridge.Method(frames, method.clientStreams(), method.fullName()),
                    (inputs, watcher) -> calls.start(method, inputs, admission.metadata(), callbacks, watcher));
            connection.userData().put(StreamBridge.KEY, bridge);
        }
    }

    /**
     * What every admitted socket gets once open: its connection watched for silence, its frames
     * decoded compactly and flushed once per turn, the gauge, and one log line (not for warm-up
     * sockets) naming {@code what} it opened. Returns the client's name for itself, or null.
     */
    String connected(WebSocketConnection connection, Admission admission, String what) {
        TcpConnection tcp = admission.tcp();
        tcp.dropWhenSilentFor(limits.peerTimeout(), metrics::peerSilent);
        tcp.compactFrameDecoder();
        tcp.consolidateFlushes();
        metrics.connectionOpened();
        String client = clientOf(connection.handshakeRequest().query());
        if (!admission.warmUp()) {
            LOG.infof("[%s] opened %s from %s by %s%s", connection.id(), what,
                    connection.handshakeRequest().remoteAddress(), CallMetadata.caller(admission.metadata()),
                    client == null ? "" : ", client " + client);
        }
        return client;
    }

    /** When tracing is on, a call (its client span) and its callbacks belong to the upgrade's trace; null: run them directly. */
    static Executor callbacksIn(io.opentelemetry.context.Context upgradeTrace) {
        return upgradeTrace == io.opentelemetry.context.Context.root() ? null : upgradeTrace.wrap((Executor) Runnable::run);
    }

    /** The socket is gone: its slot and the gauge; the close code it went with. */
    int closed(WebSocketConnection connection) {
        connection.userData().get(Admission.KEY).slot().release();
        metrics.connectionClosed();
        CloseReason reason = connection.closeReason();
        return reason == null ? CloseReason.ABNORMAL.getCode() : reason.getCode();
    }

    StreamBridge.Shared shared() {
        return shared;
    }

    void onText(WebSocketConnection connection, String frame) {
        connection.userData().get(StreamBridge.KEY).onText(frame);
    }

    void onBinary(WebSocketConnection connection, int bytes) {
        connection.userData().get(StreamBridge.KEY).onBinary(bytes);
    }

    void onClose(WebSocketConnection connection) {
        connection.userData().get(StreamBridge.KEY).onSocketClosed(closed(connection));
    }

    void onError(WebSocketConnection connection, Throwable failure) {
        connection.userData().get(StreamBridge.KEY).onSocketFailure(failure);
    }

    private static String clientOf(String query) {
        if (query == null) {
            return null;
        }
        var match = CLIENT_PARAMETER.matcher(query);
        return match.find() ? match.group(1) : null;
    }
}
