package io.grpcbridge.gateway.internals;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import io.quarkus.websockets.next.WebSocketConnection;
import io.quarkus.websockets.next.runtime.WebSocketConnectionBase;
import io.vertx.core.http.WebSocketBase;

/**
 * The Vert.x WebSocket under a websockets-next connection. websockets-next (Quarkus 3.34.2) sends
 * only through a {@code Uni} per frame, built from a {@code CompletionStage} whose supplier and
 * callbacks SmallRye Context Propagation wraps; with the socket's own Vert.x WebSocket the gateway
 * writes each frame with a plain callback instead (50 sockets x 8 in flight: 104-111k -> 111-119k
 * round trips/s, 3 alternating runs). The accessor is package-private in
 * {@code WebSocketConnectionBase}, so it is reached once, here.
 */
public final class VertxWebSocket {

    private static final MethodHandle WEB_SOCKET = webSocketAccessor();

    private VertxWebSocket() {
    }

    public static WebSocketBase of(WebSocketConnection connection) {
        try {
            return (WebSocketBase) WEB_SOCKET.invoke((WebSocketConnectionBase) connection);
        } catch (Throwable e) {
            throw new IllegalStateException("no Vert.x WebSocket under " + connection, e);
        }
    }

    private static MethodHandle webSocketAccessor() {
        try {
            return MethodHandles.privateLookupIn(WebSocketConnectionBase.class, MethodHandles.lookup())
                    .findVirtual(WebSocketConnectionBase.class, "webSocket", MethodType.methodType(WebSocketBase.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("websockets-next's WebSocketConnectionBase.webSocket() is not there", e);
        }
    }
}
