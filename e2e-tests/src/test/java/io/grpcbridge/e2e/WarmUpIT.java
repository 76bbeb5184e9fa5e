package io.grpcbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpcbridge.testing.Prometheus;
import io.grpcbridge.testing.TestSocket;

/**
 * Warm before ready, as packaged (the defaults): each service reports ready only after its warm-up;
 * the gateway's calls no real backend, logs one line, leaves no socket or stream behind, and lets
 * nobody else in on its header; chat-service's makes its 10,000 calls to itself. The gateway starts
 * first, as it may when both start together: its warm-up waits for the backend's methods.
 */
class WarmUpIT {

    private static final Pattern WARMED_UP = Pattern.compile(
            "warmed up in \\d+ ms: 10000 sockets \\(0 failed\\) to \\[/ws, /ws/chat\\.Chat/BidStream\\], against an in-process backend");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static ServiceProcess chat;
    static ServiceProcess gateway;
    /** Every readiness answer from the moment the gateway was live until it was ready. */
    static final List<String> readinessAnswers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        chat = ServiceProcess.chatService("-Dchat.warm-up.enabled=true");
        // A slow machine must not cut the warm-up short: its default bound (15 s) includes the wait.
        gateway = ServiceProcess.gateway(chat, "-Dgateway.warm-up.enabled=true", "-Dgateway.warm-up.timeout=60s").start();
        readinessAnswers.add(readiness());
        chat.start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            String answer = readiness();
            readinessAnswers.add(answer);
            return answer.startsWith("200 ");
        });
    }

    @AfterAll
    static void stop() throws InterruptedException {
        for (ServiceProcess process : new ServiceProcess[] {gateway, chat}) {
            if (process != null) {
                process.stop();
            }
        }
    }

    @Test
    void theGatewayIsReadyOnlyOnceWarmedUpAgainstItselfAndNotAgainstChatService() throws Exception {
        System.out.printf("warm-up: %d readiness answers until ready; first %s%n", readinessAnswers.size(), readinessAnswers.get(0));
        assertThat(readinessAnswers.get(0)).startsWith("503 ").contains("\"name\": \"warm-up\",\n            \"status\": \"DOWN\"")
                .contains("\"chat\": \"DOWN\"");
        assertThat(readinessAnswers).anySatisfy(answer -> assertThat(answer).startsWith("503 ")
                .contains("\"name\": \"warm-up\",\n            \"status\": \"DOWN\"").contains("\"chat\": \"UP\""));
        String log = gateway.ownLog();
        assertThat(log).containsPattern(WARMED_UP);
        assertThat(log).as("warm-up sockets are not logged one by one").doesNotContain("] opened ").doesNotContain("] closed ");
        assertThat(Prometheus.sample(gateway.uri(), "gateway_connections_active")).isZero();
        assertThat(Prometheus.sample(gateway.uri(), "gateway_streams_active")).isZero();
        assertThat(chat.ownLog()).contains("warmed up in ").contains(" ms: 10000 calls of Chat/BidStream (0 failed) to itself");
        assertThat(Prometheus.sample(chat.uri(), "chat_responses_sent_total"))
                .as("chat-service's own warm-up calls, and none of the gateway's").isEqualTo(10_000);

        TestSocket socket = TestSocket.connect(gateway.ws()).send("{\"input\":\"hi\"}");
        assertThat(socket.next(2)).containsExactly("{\"input\":\"hi\"}", "{\"output\":\"服务端返回: hi\"}");
        socket.closeNormally();
    }

    @Test
    void theWarmUpHeaderLetsNobodyElseInNorAroundTheOriginCheck() {
        int status = TestSocket.handshakeStatus(() -> TestSocket.connectWithHeaders(gateway.ws(),
                Map.of("X-Gateway-Warm-Up", "0123456789abcdef0123456789abcdef", "Origin", "https://elsewhere.example")));
        assertThat(status).isEqualTo(403);
    }

    private static String readiness() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(gateway.uri().resolve(URI.create("/q/health/ready")))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }
}
