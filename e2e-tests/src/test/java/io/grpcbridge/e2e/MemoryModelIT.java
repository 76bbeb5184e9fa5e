package io.grpcbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.grpcbridge.testing.Prometheus;
import io.grpcbridge.testing.RawWebSocket;
import io.grpcbridge.testing.TestSocket;

/**
 * The gateway's memory model (docs/operations.md#memory-model), measured on the packaged gateway
 * at the heap its JVM container gives it, and the JVM compose file's sizing checked against it:
 * base + max-connections x per-socket + 2 x budget + Netty's buffers must fit both the heap and
 * the container's mem_limit. The gateway runs as in the container: its warm-up as the compose file
 * says (on unless it turns it off), and the heap starting where the JVM starts it in a container.
 * The idle sockets are opened as browsers open them: offering permessage-deflate, and each has made
 * a round trip with a compressed input, so that whatever compression keeps per socket is counted.
 * They fill the gateway to its cap: after a warm-up, the first sockets reuse memory the warm-up
 * left free, so a per-socket cost measured on fewer of them would understate the rest.
 */
class MemoryModelIT {

    /** The JVM's default {@code InitialRAMPercentage} (1.5625 %): its initial heap in a container. */
    private static final long INITIAL_HEAP_DIVISOR = 64;
    /** Netty's pooled direct memory, outside the budget; HostileClientsIT holds the gateway to it. */
    static final long NETTY_ALLOWANCE = 32L << 20;
    /** Of the heap, what live data may fill and leave the garbage collector room to work. */
    private static final double HEAP_FILL = 0.75;

    @Test
    void theJvmContainersSizingFitsItsHeapAndMemoryLimit() throws Exception {
        ComposeService container = ComposeService.of("ws-gateway", "docker-compose.yml", "docker-compose.jvm.yml");
        long maxConnections = container.longVariable("GATEWAY_UPGRADE_MAX_CONNECTIONS");
        long budget = container.longVariable("GATEWAY_MEMORY_BUDGET_BYTES");
        long heapLimit = container.memLimitBytes() * maxRamPercentage() / 100;
        long initialHeap = container.memLimitBytes() / INITIAL_HEAP_DIVISOR;
        String warmUp = container.environment().getOrDefault("GATEWAY_WARM_UP_ENABLED", "true");
        int idleSockets = (int) maxConnections - 1;

        ServiceProcess chat = ServiceProcess.chatService().start();
        ServiceProcess gateway = ServiceProcess.gateway(chat, "-Xmx" + (heapLimit >> 20) + "m", "-Xms" + (initialHeap >> 20) + "m",
                "-Dgateway.warm-up.enabled=" + warmUp,
                "-Dgateway.upgrade.max-connections=" + maxConnections,
                "-Dquarkus.http.limits.max-connections=" + container.longVariable("QUARKUS_HTTP_LIMITS_MAX_CONNECTIONS"),
                "-Dgateway.memory.budget-bytes=" + budget).start().awaitReady();
        List<RawWebSocket> sockets = new ArrayList<>();
        try {
            TestSocket warm = TestSocket.connect(gateway.ws());
            for (int i = 0; i < 200; i++) {
                warm.send("{\"input\":\"warm " + i + "\"}");
                assertThat(warm.next(2)).hasSize(2);
            }
            long baseHeap = Heap.afterGc(gateway);
            long baseRss = gateway.rssBytes();

            for (int i = 0; i < idleSockets; i++) {
                RawWebSocket socket = RawWebSocket.connectCompressing(gateway.ws(), 0);
                sockets.add(socket);
                assertThat(socket.compressing()).isTrue();
                socket.sendText("{\"input\":\"idle " + i + "\"}");
                assertThat(socket.next().text()).isEqualTo("{\"input\":\"idle " + i + "\"}");
                assertThat(socket.next().text()).isEqualTo("{\"output\":\"服务端返回: idle " + i + "\"}");
            }
            // The gauge is raised in @OnOpen, which may run after the client has its 101.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(Prometheus.sample(gateway.uri(), "gateway_connections_active")).isEqualTo(idleSockets + 1));
            long heapPerSocket = (Heap.afterGc(gateway) - baseHeap) / idleSockets;
            long rssPerSocket = (gateway.rssBytes() - baseRss) / idleSockets;

            long heapModel = baseHeap + maxConnections * heapPerSocket + 2 * budget;
            long rssModel = baseRss + maxConnections * rssPerSocket + 2 * budget + NETTY_ALLOWANCE;
            System.out.printf("memory model at -Xmx%dm, warm-up %s: base heap %d MiB, RSS %d MiB; per idle compressing socket %d KiB heap, "
                    + "%d KiB RSS; with %d sockets and a budget of %d MiB: heap %d of %d MiB, RSS %d of %d MiB%n",
                    heapLimit >> 20, warmUp, baseHeap >> 20, baseRss >> 20, heapPerSocket >> 10, rssPerSocket >> 10,
                    maxConnections, budget >> 20, heapModel >> 20, heapLimit >> 20, rssModel >> 20,
                    container.memLimitBytes() >> 20);

            assertThat(heapPerSocket).as("heap per idle socket").isPositive();
            assertThat(heapModel).as("heap the model needs").isLessThan((long) (heapLimit * HEAP_FILL));
            assertThat(rssModel).as("memory the model needs").isLessThan(container.memLimitBytes());
        } finally {
            for (RawWebSocket socket : sockets) {
                socket.close();
            }
            gateway.stop();
            chat.stop();
        }
    }

    /** The share of the container's memory Dockerfile.jvm gives the heap. */
    private static long maxRamPercentage() throws Exception {
        Path dockerfile = Path.of(System.getProperty("project.root", ".."), "ws-gateway/src/main/docker/Dockerfile.jvm");
        Matcher percentage = Pattern.compile("MaxRAMPercentage=(\\d+)").matcher(Files.readString(dockerfile));
        assertThat(percentage.find()).as("MaxRAMPercentage in " + dockerfile).isTrue();
        return Long.parseLong(percentage.group(1));
    }
}
