package io.grpcbridge.gateway;

import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.buffer.Buffer;

/**
 * The websockets-next callbacks of a socket endpoint, handed to {@link BridgeSockets}: a subclass
 * (annotated {@code @WebSocket}; websockets-next finds callbacks declared on superclasses) says only
 * how its sockets' frames look. Every callback is {@code @NonBlocking}: it runs on the socket's event loop.
 */
abstract class BridgeEndpoint {

    private final BridgeSockets sockets;

    BridgeEndpoint(BridgeSockets sockets) {
        this.sockets = sockets;
    }

    /** The frames of a socket that bridges {@code method}. */
    abstract FrameFormat framesFor(BridgedMethod method);

    @OnOpen
    @NonBlocking
    void onOpen(WebSocketConnection connection) {
        sockets.open(connection, this::framesFor);
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
