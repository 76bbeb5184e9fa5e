package io.grpcbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.grpcbridge.testing.Prometheus;
import io.grpcbridge.testing.TestSocket;

/** Faults the pair must survive: a crashed chat-service, and thousands of sockets that come and go. */
class FaultToleranceIT {

    @RegisterExtension
    static final Pair pair = Pair.perClass();

    @Test
    void chatServiceKilledWith100SocketsOpenFailsEachSocketAndTheGatewayRecoversWithoutRestart() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> pair.gateway().answers("/q/health/ready"));
        List<TestSocket> sockets = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            TestSocket socket = TestSocket.connect(pair.gateway().ws()).send("{\"input\":\"s" + i + "\"}");
            assertThat(socket.next(2)).endsWith("{\"output\":\"服务端返回: s" + i + "\"}");
            sockets.add(socket);
        }

        pair.chat().kill();

        for (TestSocket socket : sockets) {
            assertThat(socket.next()).startsWith("{\"error\":{\"code\":\"");
            assertThat(socket.awaitClose().code()).isIn(1011, 1013);
        }
        assertThat(pair.gateway().answers("/q/health/live")).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> !pair.gateway().answers("/q/health/ready"));
        assertThat(Prometheus.sample(pair.gateway().uri(), "gateway_streams_active")).isZero();
        assertThat(Prometheus.sample(pair.gateway().uri(), "gateway_connections_active")).isZero();

        pair.chat().start();

        await().atMost(Duration.ofSeconds(10)).until(() -> pair.gateway().answers("/q/health/ready"));
        TestSocket next = TestSocket.connect(pair.gateway().ws()).send("{\"input\":\"back\"}");
        assertThat(next.next(2)).containsExactly("{\"input\":\"back\"}", "{\"output\":\"服务端返回: back\"}");
    }

    @Test
    void fiveThousandShortSocketsHalfOfThemAbruptLeaveNothingBehind() throws Exception {
        roundTrips(200); // warm-up, so that pools and JIT are in place before the baseline
        Baseline before = Baseline.take();

        roundTrips(5_000);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(Prometheus.sample(pair.gateway().uri(), "gateway_connections_active")).isEqualTo(before.connections);
            assertThat(Prometheus.sample(pair.gateway().uri(), "gateway_streams_active")).isEqualTo(before.streams);
            assertThat(Prometheus.sample(pair.chat().uri(), "chat_streams_active")).isEqualTo(before.serviceStreams);
        });
        Baseline after = Baseline.take();
        System.out.printf("5,000 cycles: gateway heap after GC %d -> %d KiB, threads %.0f -> %.0f; "
                + "chat-service heap %d -> %d KiB, threads %.0f -> %.0f%n",
                before.gatewayHeap / 1024, after.gatewayHeap / 1024, before.gatewayThreads, after.gatewayThreads,
                before.chatHeap / 1024, after.chatHeap / 1024, before.chatThreads, after.chatThreads);
        assertThat(after.gatewayHeap - before.gatewayHeap).isLessThan(16L * 1024 * 1024);
        assertThat(after.chatHeap - before.chatHeap).isLessThan(16L * 1024 * 1024);
        assertThat(after.gatewayThreads).isLessThanOrEqualTo(before.gatewayThreads + 4);
        assertThat(after.chatThreads).isLessThanOrEqualTo(before.chatThreads + 4);
    }

    /** {@code cycles} × connect, one round trip, close: even ones with a close frame, odd ones abruptly. */
    private static void roundTrips(int cycles) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < cycles; i++) {
                int cycle = i;
                done.add(clients.submit(() -> {
                    TestSocket socket = TestSocket.connect(pair.gateway().ws()).send("{\"input\":\"c" + cycle + "\"}");
                    assertThat(socket.next(2)).endsWith("{\"output\":\"服务端返回: c" + cycle + "\"}");
                    if (cycle % 2 == 0) {
                        socket.closeNormally();
                    } else {
                        socket.abort();
                    }
                    return null;
                }));
            }
            for (Future<?> cycle : done) {
                cycle.get();
            }
        } finally {
            clients.shutdownNow();
        }
    }

    record Baseline(double connections, double streams, double serviceStreams, long gatewayHeap, long chatHeap,
            double gatewayThreads, double chatThreads) {
        static Baseline take() throws Exception {
            return new Baseline(
                    Prometheus.sample(pair.gateway().uri(), "gateway_connections_active"),
                    Prometheus.sample(pair.gateway().uri(), "gateway_streams_active"),
                    Prometheus.sample(pair.chat().uri(), "chat_streams_active"),
                    Heap.afterGc(pair.gateway()), Heap.afterGc(pair.chat()),
                    Prometheus.sample(pair.gateway().uri(), "jvm_threads_live_threads"),
                    Prometheus.sample(pair.chat().uri(), "jvm_threads_live_threads"));
        }
    }
}
