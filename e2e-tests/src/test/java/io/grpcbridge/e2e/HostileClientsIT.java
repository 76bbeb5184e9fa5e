package io.grpcbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.grpcbridge.testing.Prometheus;
import io.grpcbridge.testing.TestSocket;

/**
 * Clients that send large inputs and never read, against the packaged gateway at the heap of its
 * JVM container ({@code -Xmx192m}: half of docker-compose.jvm.yml's 384m) and at half that: the
 * gateway stays up, each of them is closed 1008, what it holds stays within its memory budget, and
 * a well-behaved socket keeps its round trips throughout.
 */
class HostileClientsIT {

    private static final int INPUTS_PER_CLIENT = 1_100;
    private static final String LARGE_INPUT = "{\"input\":\"" + "x".repeat(60_000) + "\"}";
    /** gateway.memory.budget-bytes' default. */
    private static final long BUDGET = 32L * 1024 * 1024;

    @ParameterizedTest(name = "{1} clients at {0}")
    @CsvSource({ "-Xmx96m, 12", "-Xmx96m, 50", "-Xmx192m, 12", "-Xmx192m, 50" })
    void clientsThatSendLargeInputsAndNeverReadAreClosedAndTheGatewayKeepsServingOthers(String heap, int clients)
            throws Exception {
        ServiceProcess chat = ServiceProcess.chatService().start();
        ServiceProcess gateway = ServiceProcess.gateway(chat, heap, "-XX:+ExitOnOutOfMemoryError").start();
        ExecutorService threads = Executors.newCachedThreadPool();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try {
            TestSocket polite = TestSocket.connect(gateway.ws());
            polite.roundTrip("before");
            long heapBefore = Heap.afterGc(gateway);
            double closed1008 = Prometheus.sum(gateway.uri(), "gateway_closes_total", "code=\"1008\"");

            AtomicBoolean attacking = new AtomicBoolean(true);
            AtomicLong mostHeld = new AtomicLong();
            AtomicLong largestRss = new AtomicLong();
            AtomicLong mostDirect = new AtomicLong();
            ScheduledFuture<?> watch = sampler.scheduleAtFixedRate(() -> {
                mostHeld.accumulateAndGet((long) Prometheus.sample(gateway.uri(), "gateway_memory_held_bytes"), Math::max);
                largestRss.accumulateAndGet(gateway.rssBytes(), Math::max);
                mostDirect.accumulateAndGet((long) Prometheus.sum(gateway.uri(), "netty_allocator_memory_used",
                        "memory_type=\"direct\",name=\"pooled\""), Math::max);
            }, 0, 100, TimeUnit.MILLISECONDS);
            List<Future<Integer>> attackers = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                attackers.add(threads.submit(() -> sendUntilClosed(gateway)));
            }
            Future<Integer> politeRoundTrips = threads.submit(() -> {
                int count = 0;
                while (attacking.get()) {
                    polite.roundTrip("during " + count++);
                }
                return count;
            });

            long inputsSent = 0;
            for (Future<Integer> attacker : attackers) {
                inputsSent += attacker.get();
            }
            attacking.set(false);
            int during = politeRoundTrips.get();
            watch.cancel(false);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(Prometheus.sample(gateway.uri(), "gateway_connections_active")).isEqualTo(1));
            double closes = Prometheus.sum(gateway.uri(), "gateway_closes_total", "code=\"1008\"") - closed1008;
            long heapGrowth = Heap.afterGc(gateway) - heapBefore;
            System.out.printf("hostile clients (%s, %d clients): %d inputs of 60 KB sent before their sockets closed; "
                    + "%d closed 1008 (%d evicted by the budget); %d polite round trips meanwhile; most held %d KiB; "
                    + "largest RSS %d MiB; most Netty direct memory %d MiB; heap after GC %+d KiB%n", heap, clients, inputsSent, (long) closes,
                    (long) Prometheus.sample(gateway.uri(), "gateway_memory_evictions_total"), during,
                    mostHeld.get() / 1024, largestRss.get() >> 20, mostDirect.get() >> 20, heapGrowth / 1024);

            assertThat(gateway.isAlive()).isTrue();
            // Most are closed by the unwritten-bytes bound; a client whose TCP connection fails first
            // is released without a close frame (it still leaves gateway_connections_active).
            assertThat(closes).isPositive().isLessThanOrEqualTo(clients);
            assertThat(during).isPositive();
            assertThat(mostHeld.get()).isLessThanOrEqualTo(2 * BUDGET);
            // Netty's buffers are outside the budget: they stay within the memory model's allowance only
            // while each socket's frame decoder gives back what it has decoded (188 MiB with 50 clients
            // when it did not).
            assertThat(mostDirect.get()).isLessThan(MemoryModelIT.NETTY_ALLOWANCE);
            assertThat(heapGrowth).isLessThan(16L * 1024 * 1024);
            assertThat(Prometheus.sample(gateway.uri(), "gateway_memory_held_bytes")).isLessThan(64 * 1024);
            polite.roundTrip("after");
        } finally {
            threads.shutdownNow();
            sampler.shutdownNow();
            gateway.stop();
            chat.stop();
        }
    }

    /** Sends large inputs and reads nothing, until its socket is closed; returns how many went out. */
    private static int sendUntilClosed(ServiceProcess gateway) {
        TestSocket hostile = TestSocket.connectWithoutReading(gateway.ws());
        int sent = 0;
        try {
            while (sent < INPUTS_PER_CLIENT) {
                hostile.send(LARGE_INPUT);
                sent++;
            }
        } catch (CompletionException closedUnderIt) {
            // The gateway closed the socket (1008, then the TCP connection) while inputs went out.
        }
        return sent;
    }
}
