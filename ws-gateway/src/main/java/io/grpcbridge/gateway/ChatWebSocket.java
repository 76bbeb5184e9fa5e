package io.grpcbridge.gateway;

import java.util.concurrent.Executor;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import io.grpc.Metadata;
import io.grpcbridge.chat.api.Request;
import io.opentelemetry.context.Scope;
import io.quarkus.runtime.Startup;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * The browser's endpoint: each socket gets its own {@link StreamBridge}, which does the work. Every
 * callback runs on the socket's event loop ({@code @NonBlocking}) and returns at once, so frames
 * never wait in websockets-next's inbound queue, which has no bound in Quarkus 3.34.2.
 * <p>
 * Created at startup, not by the first upgrade: building its codec loads protobuf's JSON support,
 * which blocked the first socket's event loop for 2 s on a busy machine.
 */
@Startup
@WebSocket(path = "/ws")
public class ChatWebSocket {

    private static final Logger LOG = Logger.getLogger(ChatWebSocket.class);
    /** A client's own name for itself, {@code /ws?client=<name>}, written on its log lines. */
    private static final Pattern CLIENT_PARAMETER = Pattern.compile("(?:^|&)client=([A-Za-z0-9_-]{1,64})(?:&|$)");

    private final ChatClient chat;
    private final GatewayConfig.Socket limits;
    private final GatewayMetrics metrics;
    private final StreamBridge.Shared shared;

    ChatWebSocket(ChatClient chat, GatewayConfig config, GatewayMetrics metrics, MemoryBudget budget) {
        this.chat = chat;
        this.limits = config.socket();
        this.metrics = metrics;
        this.shared = new StreamBridge.Shared(new FrameCodec<>(Request.getDefaultInstance()), limits, metrics, budget,
                System::nanoTime);
    }

    @OnOpen
    @NonBlocking
    void onOpen(WebSocketConnection connection) {
        TcpConnection tcp = connection.userData().get(UpgradeGuard.TCP);
        tcp.dropWhenSilentFor(limits.peerTimeout(), metrics::peerSilent);
        tcp.compactFrameDecoder();
        tcp.consolidateFlushes();
        metrics.connectionOpened();
        Metadata metadata = connection.userData().get(CallMetadata.KEY);
        String client = clientOf(connection.handshakeRequest().query());
        LOG.infof("[%s] opened from %s by %s%s", connection.id(), connection.handshakeRequest().remoteAddress(),
                CallMetadata.caller(metadata), client == null ? "" : ", client " + client);
        Context eventLoop = Vertx.currentContext();
        io.opentelemetry.context.Context upgradeTrace = connection.userData().get(UpgradeGuard.UPGRADE_TRACE);
        // When tracing is on, the call (its client span) and its callbacks belong to the upgrade's trace.
        Executor callbacks = upgradeTrace == io.opentelemetry.context.Context.root() ? null
                : upgradeTrace.wrap((Executor) Runnable::run);
        try (Scope inUpgradeTrace = upgradeTrace.makeCurrent()) {
            StreamBridge bridge = StreamBridge.open(ClientSocket.of(connection, tcp, limits.closeTimeout()), client,
                    eventLoop, shared, inputs -> chat.bidStream(inputs, metadata, callbacks));
            connection.userData().put(StreamBridge.KEY, bridge);
        }
    }

    @OnTextMessage
    @NonBlocking
    void onText(WebSocketConnection connection, String frame) {
        connection.userData().get(StreamBridge.KEY).onText(frame);
    }

    @OnBinaryMessage
    @NonBlocking
    void onBinary(WebSocketConnection connection, Buffer frame) {
        connection.userData().get(StreamBridge.KEY).onBinary(frame.length());
    }

    @OnClose
    @NonBlocking
    void onClose(WebSocketConnection connection) {
        connection.userData().get(UpgradeGuard.SLOT).release();
        metrics.connectionClosed();
        CloseReason reason = connection.closeReason();
        connection.userData().get(StreamBridge.KEY).onSocketClosed(reason == null ? CloseReason.ABNORMAL.getCode() : reason.getCode());
    }

    @OnError
    @NonBlocking
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
