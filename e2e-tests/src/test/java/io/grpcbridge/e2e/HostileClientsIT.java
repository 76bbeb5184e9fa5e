package io.grpcbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import io.grpcbridge.testing.RawWebSocket;
import io.grpcbridge.testing.TestSocket;

/**
 * Clients that compress, as every browser does, send 1,100 inputs of 60 KB that each inflate from a
 * few bytes, and never read, against the packaged gateway at the README's heap ({@code -Xmx256m})
 * and at its JVM container's ({@code -Xmx192m}: half of docker-compose.jvm.yml's 384m). Before the
 * gateway read sockets only as fast as they are taken, 12 such clients killed it with
 * OutOfMemoryError in 6 s. Now: the gateway stays up, each attacker ends up not being read (paced)
 * or closed 1008 by the memory budget, what the gateway holds stays within the budget and its
 * buffers within the memory model's allowance, and a well-behaved socket keeps its round trips.
 * Then the dead-peer timeout (6 s here, pings every 3 s) releases every attacker still paced: a
 * socket that is not read is still watched, and one that answers no ping goes.
 */
class HostileClientsIT {

    private static final int INPUTS_PER_CLIENT = 1_100;
    private static final String LARGE_INPUT = "{\"input\":\"" + "x".repeat(60_000) + "\"}";
    /** gateway.memory.budget-bytes' default. */
    private static final long BUDGET = 32L * 1024 * 1024;

    /**
     * The case that used to kill the gateway (12 clients at the README's heap), and the hardest one
     * (50 clients at the container's smaller heap), which bounds the two in between.
     */
    @ParameterizedTest(name = "{1} compressing clients at {0}")
    @CsvSource({ "-Xmx256m, 12", "-Xmx192m, 50" })
    void compressingClientsThatSendLargeInputsAndNeverReadArePacedAndTheGatewayKeepsServingOthers(String heap,
            int clients) throws Exception {
        ServiceProcess chat = ServiceProcess.chatService().start();
        ServiceProcess gateway = ServiceProcess.gateway(chat, heap, "-XX:+ExitOnOutOfMemoryError",
                "-Dgateway.socket.peer-timeout=6s", "-Dquarkus.websockets-next.server.auto-ping-interval=3s").start();
        ExecutorService threads = Executors.newCachedThreadPool();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        List<RawWebSocket> attackers = new ArrayList<>();
        try {
            TestSocket polite = TestSocket.connect(gateway.ws());
            polite.roundTrip("before");
            long heapBefore = Heap.afterGc(gateway);
            double closed1008 = Prometheus.sum(gateway.uri(), "gateway_closes_total", "code=\"1008\"");
            double silent = Prometheus.sample(gateway.uri(), "gateway_peers_silent_total");

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
            List<Future<Integer>> sending = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                RawWebSocket attacker = RawWebSocket.connectCompressing(gateway.ws(), 8 * 1024);
                assertThat(attacker.compressing()).as("permessage-deflate agreed").isTrue();
                attackers.add(attacker);
                sending.add(threads.submit(() -> sendUntilBlockedOrClosed(attacker)));
            }
            Future<Integer> politeRoundTrips = threads.submit(() -> {
                int count = 0;
                while (attacking.get()) {
                    polite.roundTrip("during " + count++);
                }
                return count;
            });

            // Every attacker is not read any more (its window or its unwritten frames are full), was
            // closed 1008 by the memory budget, or, paced for the whole peer timeout, dropped.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> assertThat(
                    Prometheus.sample(gateway.uri(), "gateway_sockets_paused")
                            + Prometheus.sum(gateway.uri(), "gateway_closes_total", "code=\"1008\"") - closed1008
                            + Prometheus.sample(gateway.uri(), "gateway_peers_silent_total") - silent)
                    .isEqualTo(clients));
            double paused = Prometheus.sample(gateway.uri(), "gateway_sockets_paused");
            // Nobody reads the attackers' sockets: the dead-peer timeout releases every one still paced.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(Prometheus.sample(gateway.uri(), "gateway_connections_active")).isEqualTo(1));
            attacking.set(false);
            int during = politeRoundTrips.get();
            watch.cancel(false);
            long inputsSent = 0;
            for (Future<Integer> attacker : sending) {
                inputsSent += attacker.get();
            }
            double closes = Prometheus.sum(gateway.uri(), "gateway_closes_total", "code=\"1008\"") - closed1008;
            double dropped = Prometheus.sample(gateway.uri(), "gateway_peers_silent_total") - silent;
            long heapGrowth = Heap.afterGc(gateway) - heapBefore;
            System.out.printf("hostile compressing clients (%s, %d clients): %d inputs of 60 KB sent; %.0f paced at once, %d "
                    + "closed 1008 (%d evicted by the budget), %d dropped by the peer timeout; %d polite round trips meanwhile; "
                    + "most held %d KiB; largest RSS %d MiB; most Netty direct memory %d MiB; heap after GC %+d KiB%n", heap,
                    clients, inputsSent, paused, (long) closes,
                    (long) Prometheus.sample(gateway.uri(), "gateway_memory_evictions_total"), (long) dropped, during,
                    mostHeld.get() / 1024, largestRss.get() >> 20, mostDirect.get() >> 20, heapGrowth / 1024);

            assertThat(gateway.isAlive()).isTrue();
            assertThat(closes).as("closed by the budget, the one rule that closes a paced client").isEqualTo(
                    Prometheus.sample(gateway.uri(), "gateway_memory_evictions_total"));
            assertThat(dropped).as("every attacker the budget did not close, dropped as a silent peer")
                    .isGreaterThanOrEqualTo(clients - closes);
            assertThat(during).isPositive();
            assertThat(mostHeld.get()).isLessThanOrEqualTo(2 * BUDGET);
            // Netty's buffers are outside the budget: a paced socket holds at most one read of
            // compressed frames there.
            assertThat(mostDirect.get()).isLessThan(MemoryModelIT.NETTY_ALLOWANCE);
            assertThat(heapGrowth).isLessThan(16L * 1024 * 1024);
            assertThat(Prometheus.sample(gateway.uri(), "gateway_memory_held_bytes")).isLessThan(64 * 1024);
            polite.roundTrip("after");
        } finally {
            attackers.forEach(HostileClientsIT::abort);
            threads.shutdownNow();
            sampler.shutdownNow();
            gateway.stop();
            chat.stop();
        }
    }

    /**
     * Sends large compressed inputs and reads nothing, until all are sent (they compress to a few
     * bytes each, so the kernel's buffers take them all), its send blocks (the gateway stopped
     * reading it), or its socket is closed; returns how many went out.
     */
    private static int sendUntilBlockedOrClosed(RawWebSocket attacker) {
        int sent = 0;
        try {
            while (sent < INPUTS_PER_CLIENT) {
                attacker.sendText(LARGE_INPUT);
                sent++;
            }
        } catch (IOException closedOrAborted) {
            // The gateway closed the socket, or the test aborted it while this send was blocked.
        }
        return sent;
    }

    private static void abort(RawWebSocket attacker) {
        try {
            attacker.close();
        } catch (IOException alreadyClosed) {
            // nothing left to release
        }
    }
}
