package io.grpcbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.grpcbridge.testing.Prometheus;
import io.grpcbridge.testing.RawWebSocket;
import io.grpcbridge.testing.TestSocket;

/**
 * A browser that stops reading holds back the gateway and, through gRPC flow control, chat-service:
 * nothing between them buffers without bound, and everything arrives, in order, once it reads again.
 */
class SlowReaderIT {

    private static final int INPUTS = 900;
    private static final int OUTPUTS = INPUTS * 10;

    /**
     * The buffers between chat-service and the client narrowed so that 9,000 small outputs overflow
     * them: the gateway's gRPC window from its 1 MiB default to 64 KiB (at 1 MiB the gRPC transport
     * alone takes some 40,000 of them) and the kernel's send buffer from up to 4 MiB to 16 KiB.
     */
    @RegisterExtension
    static final Pair pair = Pair.perClass("-Dquarkus.grpc.clients.chat.flow-control-window=65536",
            "-Dgateway.socket.send-buffer-bytes=16384");

    @Test
    void clientThatStopsReadingHoldsBackTheServiceAndThenGetsEveryOutputInOrder() throws Exception {
        TestSocket warmUp = TestSocket.connect(pair.gateway().ws()).send("{\"input\":\"返回数据流\"}");
        warmUp.next(11);
        long heapBefore = Heap.afterGc(pair.gateway());
        double producedBefore = Prometheus.sample(pair.chat().uri(), "chat_responses_sent_total");

        // 8 KiB of receive buffer (Linux doubles it) instead of the megabytes loopback grows to.
        try (RawWebSocket socket = RawWebSocket.connect(pair.gateway().ws(), 8 * 1024)) {
            for (int i = 0; i < INPUTS; i++) {
                socket.send(RawWebSocket.TEXT, "{\"input\":\"返回数据流\"}".getBytes(StandardCharsets.UTF_8));
            }
            awaitStalls(() -> (long) Prometheus.sample(pair.chat().uri(), "chat_responses_sent_total"));

            double produced = Prometheus.sample(pair.chat().uri(), "chat_responses_sent_total") - producedBefore;
            long heapGrowth = Heap.afterGc(pair.gateway()) - heapBefore;
            System.out.printf("slow reader: service produced %.0f of %d while the client read nothing; "
                    + "gateway heap growth %d KiB; unwritten frames %.0f; pending inputs %.0f%n", produced, OUTPUTS,
                    heapGrowth / 1024, Prometheus.sample(pair.gateway().uri(), "gateway_frames_unwritten"),
                    Prometheus.sample(pair.gateway().uri(), "gateway_inputs_pending"));
            assertThat(produced).as("outputs chat-service produced while the client read nothing").isLessThan(OUTPUTS);
            assertThat(heapGrowth).isLessThan(32L * 1024 * 1024);

            List<String> outputs = new ArrayList<>();
            while (outputs.size() < OUTPUTS) {
                String text = socket.next().text();
                if (text.startsWith("{\"output\"")) {
                    outputs.add(text);
                }
            }
            assertThat(outputs).containsExactlyElementsOf(
                    IntStream.range(0, OUTPUTS).mapToObj(i -> "{\"output\":\"数据流 #" + (i % 10) + "\"}").toList());
        }
    }

    /** Waits until a growing count has stopped growing between two polls a second apart. */
    static void awaitStalls(LongSupplier count) {
        AtomicLong previous = new AtomicLong(-1);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    long now = count.getAsLong();
                    return now > 0 && now == previous.getAndSet(now);
                });
    }
}
