package io.grpcbridge.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.grpcbridge.gateway.fakes.FakeBackends;
import io.grpcbridge.testing.RawWebSocket;
import io.grpcbridge.testing.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Cross-site WebSocket hijacking and DNS rebinding: only pages of the configured origins may open
 * sockets, whatever Host header the request carries.
 */
@QuarkusTest
@FakeBackends
class UpgradeGuardTest {

    @TestHTTPResource("/ws")
    URI ws;

    @Test
    void foreignOriginIsRefusedWith403() {
        assertThat(handshake("https://evil.example")).isEqualTo(403);
    }

    @Test
    void aPageWhoseOriginMatchesTheHostItReachedIsRefusedUnlessItsOriginIsListed() throws Exception {
        // A DNS-rebinding page: evil.example resolves to the gateway, so Host and Origin agree.
        String rebound = "evil.example:" + ws.getPort();

        assertThat(RawWebSocket.handshakeStatus(ws, rebound, Map.of("Origin", "http://" + rebound))).isEqualTo(403);
        assertThat(RawWebSocket.handshakeStatus(ws, rebound, Map.of("Origin", "https://allowed.example"))).isEqualTo(101);
    }

    @Test
    void theGatewaysOwnAddressIsNoOriginUnlessListed() {
        assertThat(handshake("http://" + ws.getHost() + ":" + ws.getPort())).isEqualTo(403);
    }

    @Test
    void configuredOriginIsAccepted() {
        // %test.gateway.upgrade.allowed-origins in application.properties
        assertThat(handshake("https://allowed.example")).isEqualTo(101);
    }

    @Test
    void requestWithoutOriginIsAcceptedByDefault() {
        assertThat(handshake(null)).isEqualTo(101);
    }

    /** The HTTP status of the handshake: 101 when the socket opened. */
    private int handshake(String origin) {
        Map<String, String> headers = origin == null ? Map.of() : Map.of("Origin", origin);
        return TestSocket.handshakeStatus(() -> TestSocket.connectWithHeaders(ws, headers));
    }
}
