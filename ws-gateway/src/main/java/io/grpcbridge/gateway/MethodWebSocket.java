package io.grpcbridge.gateway;

import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.buffer.Buffer;

/**
 * {@code /ws/package.Service/Method}: any exposed method ({@link MethodCatalog}), of any kind, in
 * the envelope frames of method sockets ({@link EnvelopeFrames}, docs/protocol.md). The upgrade
 * ({@link UpgradeGuard}) has already found the method; an unknown one never gets here (404).
 */
@WebSocket(path = "/ws/{service}/{method}")
public class MethodWebSocket {

    private final BridgeSockets sockets;

    MethodWebSocket(BridgeSockets sockets) {
        this.sockets = sockets;
    }

    @OnOpen
    @NonBlocking
    void onOpen(WebSocketConnection connection) {
        sockets.open(connection, new EnvelopeFrames(connection.userData().get(UpgradeGuard.METHOD)));
    }

    @OnTextMessage
    @NonBlocking
    void onText(WebSocketConnection connection, String frame) {
        sockets.onText(connection, frame);
    }

    @OnBinaryMessage
    @NonBlocking
    void onBinary(WebSocketConnection connection, Buffer frame) {
        sockets.onBinary(connection, frame.length());
    }

    @OnClose
    @NonBlocking
    void onClose(WebSocketConnection connection) {
        sockets.onClose(connection);
    }

    @OnError
    @NonBlocking
    void onError(WebSocketConnection connection, Throwable failure) {
        sockets.onError(connection, failure);
    }
}
