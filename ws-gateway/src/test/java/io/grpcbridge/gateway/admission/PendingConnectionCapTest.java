package io.grpcbridge.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.grpcbridge.gateway.fakes.FakeBackends;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Connections that have not upgraded count against the gateway's TCP cap,
 * {@code quarkus.http.limits.max-connections}: past it, a new connection is closed as soon as it is accepted.
 */
@QuarkusTest
@TestProfile(PendingConnectionCapTest.SmallCaps.class)
@FakeBackends
class PendingConnectionCapTest {

    public static class SmallCaps implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.upgrade.max-connections", "3", "quarkus.http.limits.max-connections", "5");
        }
    }

    @TestHTTPResource("/ws")
    URI ws;

    @Test
    void aConnectionPastTheTcpCapIsClosedAtOnce() throws Exception {
        List<Socket> unfinished = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                unfinished.add(halfARequest());
            }
            for (Socket socket : unfinished) {
                socket.setSoTimeout(300);
                assertThat(closedByTheServer(socket)).as("one of the first five").isFalse();
            }

            Socket sixth = halfARequest();
            sixth.setSoTimeout(5_000);
            assertThat(closedByTheServer(sixth)).as("the sixth").isTrue();
        } finally {
            for (Socket socket : unfinished) {
                socket.close();
            }
        }
    }

    private Socket halfARequest() throws IOException {
        Socket socket = new Socket(ws.getHost(), ws.getPort());
        socket.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: " + ws.getHost() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    /** True when the server closed the connection; false when the read timed out with it open. */
    private static boolean closedByTheServer(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() == -1;
        } catch (java.net.SocketTimeoutException open) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }
}
