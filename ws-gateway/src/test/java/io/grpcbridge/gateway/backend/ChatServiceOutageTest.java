package io.grpcbridge.gateway.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.grpcbridge.gateway.fakes.FakeBackends;
import io.grpcbridge.gateway.fakes.FakeChatServer;
import io.grpcbridge.gateway.fakes.InjectFakeChat;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.grpcbridge.testing.Prometheus;
import io.grpcbridge.testing.RawWebSocket;
import io.grpcbridge.testing.TestSocket;

/** What sockets see when chat-service goes away, and that the gateway recovers without a restart. */
@QuarkusTest
@FakeBackends
class ChatServiceOutageTest {

    @InjectFakeChat
    FakeChatServer fakeChat;

    @TestHTTPResource("/ws")
    URI ws;

    @TestHTTPResource("/")
    URI root;

    /** The tests that share this gateway find the service up and the gateway connected to it. */
    @AfterEach
    void serviceIsBack() {
        fakeChat.restartServer();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
    }

    @Test
    void whileTheServiceIsDownReadinessIsDownAndUpgradesGet503WithRetryAfterThenBothRecoverWithoutRestart() throws Exception {
        fakeChat.stopServer();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(503));

        String refused = RawWebSocket.handshakeHead(ws, ws.getHost() + ":" + ws.getPort(), Map.of());
        assertThat(refused).startsWith("HTTP/1.1 503").containsIgnoringCase("\r\nRetry-After: 1\r\n");

        fakeChat.restartServer();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));

        TestSocket next = TestSocket.connect(ws).send("{\"input\":\"back\"}");
        assertThat(next.next(2)).containsExactly("{\"input\":\"back\"}", "{\"output\":\"服务端返回: back\"}");
    }

    @Test
    void serviceKilledMidStreamFailsEveryOpenSocketWith1011Or1013() throws Exception {
        List<TestSocket> sockets = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            TestSocket socket = TestSocket.connect(ws).send("{\"input\":\"s" + i + "\"}");
            assertThat(socket.next(2)).endsWith("{\"output\":\"服务端返回: s" + i + "\"}");
            sockets.add(socket);
        }

        fakeChat.stopServer();

        for (TestSocket socket : sockets) {
            assertThat(errorFrameThenClose(socket)).isIn(1011, 1013);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Prometheus.sample(root, "gateway_streams_active") == 0);
    }

    /** Waits for the error frame, checks it names a gRPC status and nothing internal, and returns the close code. */
    private static int errorFrameThenClose(TestSocket socket) throws InterruptedException {
        String frame;
        do {
            frame = socket.next();
        } while (!frame.startsWith("{\"error\""));
        assertThat(frame).matches("\\{\"error\":\\{\"code\":\"(UNAVAILABLE|INTERNAL|CANCELLED|UNKNOWN)\",\"message\":\"chat.+\"}}")
                .as("the service's address stays inside").doesNotContain("127.0.0.1", "localhost");
        return socket.awaitClose().code();
    }
}
