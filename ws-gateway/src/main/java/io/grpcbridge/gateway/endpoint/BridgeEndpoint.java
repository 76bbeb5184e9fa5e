package io.grpcbridge.gateway.endpoint;

import io.grpcbridge.gateway.backend.BridgedMethod;
import io.grpcbridge.gateway.socket.FrameFormat;
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
 * (annotated {@code @WebSocket}; websockets-next finds callbacks declared on superclasses, and calls
 * them from a class it generates in the subclass's package, so they are public) says only
 * how its sockets' frames look. Every callback is {@code @NonBlocking}: it runs on the socket's event loop
 * and returns at once, so the event loop already keeps a socket's callbacks in order. The subclasses
 * therefore ask for {@code InboundProcessingMode.CONCURRENT}: websockets-next's default (serial) gives
 * each socket a limiter of its own (a queue with a 257-slot array, an atomic update per callback) that
 * would never hold anything back here.
 */
public abstract class BridgeEndpoint {

    private final BridgeSockets sockets;

    public BridgeEndpoint(BridgeSockets sockets) {
        this.sockets = sockets;
    }

    /** The frames of a socket that bridges {@code method}. */
    protected abstract FrameFormat framesFor(BridgedMethod method);

    @OnOpen
    @NonBlocking
    public void onOpen(WebSocketConnection connection) {
        sockets.open(connection, this::framesFor);
    }

    @OnTextMessage
    @NonBlocking
    public void onText(WebSocketConnection connection, String frame) {
        sockets.onText(connection, frame);
    }

    @OnBinaryMessage
    @NonBlocking
    public void onBinary(WebSocketConnection connection, Buffer frame) {
        sockets.onBinary(connection, frame.length());
    }

    @OnClose
    @NonBlocking
    public void onClose(WebSocketConnection connection) {
        sockets.onClose(connection);
    }

    @OnError
    @NonBlocking
    public void onError(WebSocketConnection connection, Throwable failure) {
        sockets.onError(connection, failure);
    }
}
