package io.grpcbridge.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;

import io.grpcbridge.gateway.fakes.FakeBackends;
import io.grpcbridge.testing.Prometheus;
import io.grpcbridge.testing.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** gateway.upgrade.max-connections holds however many upgrades arrive at once, and every slot comes back. */
@QuarkusTest
@TestProfile(ConnectionCapTest.FiftySockets.class)
@FakeBackends
class ConnectionCapTest {

    static final int CAP = 50;

    public static class FiftySockets implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.upgrade.max-connections", String.valueOf(CAP));
        }
    }

    @TestHTTPResource("/ws")
    URI ws;

    @TestHTTPResource("/")
    URI root;

    @Test
    void threeHundredConcurrentUpgradesOpenAtMostTheCapAndEverySlotComesBack() throws Exception {
        List<TestSocket> opened = upgradeAtOnce(300);
        assertThat(opened).hasSize(CAP);
        assertThat(Prometheus.sample(root, "gateway_connections_active")).isEqualTo(CAP);
        assertThat(TestSocket.handshakeStatus(() -> TestSocket.connect(ws))).isEqualTo(503);

        opened.forEach(TestSocket::abort);
        await().atMost(Duration.ofSeconds(10)).until(() -> Prometheus.sample(root, "gateway_connections_active") == 0);

        List<TestSocket> again = upgradeAtOnce(300);
        assertThat(again).hasSize(CAP);
        TestSocket last = again.get(CAP - 1).send("{\"input\":\"in\"}");
        assertThat(last.next(2)).containsExactly("{\"input\":\"in\"}", "{\"output\":\"服务端返回: in\"}");
        again.forEach(TestSocket::abort);
    }

    /** Starts {@code count} upgrades together; returns the sockets that opened (the rest were refused 503). */
    private List<TestSocket> upgradeAtOnce(int count) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(count);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<CompletableFuture<TestSocket>> attempts = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                attempts.add(CompletableFuture.supplyAsync(() -> {
                    awaitQuietly(start);
                    try {
                        return TestSocket.connect(ws);
                    } catch (CompletionException refused) {
                        if (refused.getCause() instanceof WebSocketHandshakeException handshake
                                && handshake.getResponse().statusCode() == 503) {
                            return null;
                        }
                        throw refused;
                    }
                }, threads));
            }
            start.countDown();
            List<TestSocket> opened = new ArrayList<>();
            for (CompletableFuture<TestSocket> attempt : attempts) {
                TestSocket socket = attempt.join();
                if (socket != null) {
                    opened.add(socket);
                }
            }
            return opened;
        } finally {
            threads.shutdown();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
