package io.grpcbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.grpcbridge.testing.Prometheus;
import io.grpcbridge.testing.TestSocket;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Past gateway.upgrade.max-connections, a new socket is refused with 503 until one closes. */
@QuarkusTest
@TestProfile(ConnectionCapTest.TwoSockets.class)
@QuarkusTestResource(value = FakeChatServer.class, restrictToAnnotatedClass = true)
class ConnectionCapTest {

    public static class TwoSockets implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.upgrade.max-connections", "2");
        }
    }

    @TestHTTPResource("/ws")
    URI ws;

    @TestHTTPResource("/")
    URI root;

    @Test
    void socketOverTheCapIsRefusedWith503AndAcceptedOnceOneCloses() throws Exception {
        TestSocket first = TestSocket.connect(ws);
        TestSocket.connect(ws);

        assertThat(TestSocket.handshakeStatus(() -> TestSocket.connect(ws))).isEqualTo(503);

        first.closeNormally();
        await().atMost(Duration.ofSeconds(10)).until(() -> Prometheus.sample(root, "gateway_connections_active") == 1);
        TestSocket third = TestSocket.connect(ws).send("{\"input\":\"in\"}");
        assertThat(third.next(2)).containsExactly("{\"input\":\"in\"}", "{\"output\":\"服务端返回: in\"}");
    }
}
