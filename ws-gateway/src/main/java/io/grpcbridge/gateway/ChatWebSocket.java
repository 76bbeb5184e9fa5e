package io.grpcbridge.gateway;

import org.jboss.logging.Logger;

import io.grpcbridge.chat.api.Request;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * The browser's endpoint: each socket gets its own {@link StreamBridge}, which does the work. Every
 * callback runs on the socket's event loop ({@code @NonBlocking}) and returns at once, so frames
 * never wait in websockets-next's unbounded queue (stack-facts W1).
 */
@WebSocket(path = "/ws")
public class ChatWebSocket {

    private static final Logger LOG = Logger.getLogger(ChatWebSocket.class);

    private final FrameCodec<Request> codec = new FrameCodec<>(Request.getDefaultInstance());
    private final ChatClient chat;
    private final GatewayConfig config;
    private final GatewayMetrics metrics;

    ChatWebSocket(ChatClient chat, GatewayConfig config, GatewayMetrics metrics) {
        this.chat = chat;
        this.config = config;
        this.metrics = metrics;
    }

    @OnOpen
    @NonBlocking
    void onOpen(WebSocketConnection connection) {
        metrics.connectionOpened();
        LOG.infof("[%s] opened from %s by %s", connection.id(), connection.handshakeRequest().remoteAddress(),
                CallMetadata.caller(connection.userData().get(CallMetadata.KEY)));
        StreamBridge bridge = new StreamBridge(connection, codec, config.socket(), metrics);
        connection.userData().put(StreamBridge.KEY, bridge);
        bridge.open(chat, Vertx.currentContext());
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
        metrics.connectionClosed();
        CloseReason reason = connection.closeReason();
        connection.userData().get(StreamBridge.KEY).onSocketClosed(reason == null ? CloseReason.ABNORMAL.getCode() : reason.getCode());
    }

    @OnError
    @NonBlocking
    void onError(WebSocketConnection connection, Throwable failure) {
        connection.userData().get(StreamBridge.KEY).onSocketFailure(failure);
    }
}
