package io.grpcbridge.gateway.internals;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import org.junit.jupiter.api.Test;

import io.quarkus.websockets.next.runtime.WebSocketConnectionBase;
import io.vertx.core.http.WebSocketBase;

/**
 * What {@link VertxWebSocket} reaches into: websockets-next's {@code WebSocketConnectionBase} has a
 * non-static {@code webSocket()} returning the Vert.x socket. (Every socket test then uses it.)
 */
class VertxWebSocketTest {

    @Test
    void websocketsNextKeepsItsVertxSocketBehindAnAccessor() throws Exception {
        Method accessor = WebSocketConnectionBase.class.getDeclaredMethod("webSocket");

        assertThat(accessor.getReturnType()).isEqualTo(WebSocketBase.class);
        assertThat(Modifier.isStatic(accessor.getModifiers())).isFalse();
    }
}
