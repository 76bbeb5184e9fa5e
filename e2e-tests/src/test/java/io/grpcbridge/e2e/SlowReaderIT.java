package io.grpcbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.grpcbridge.testing.Prometheus;
import io.grpcbridge.testing.TestSocket;

/**
 * A browser that stops reading holds back the gateway and, through gRPC flow control, chat-service:
 * nothing between them buffers without bound, and everything arrives, in order, once it reads again.
 */
class SlowReaderIT {

    @RegisterExtension
    static final Pair pair = Pair.perClass();

    @Test
    void clientThatStopsReadingHoldsBackTheServiceAndThenGetsEveryOutputInOrder() throws Exception {
        TestSocket warmUp = TestSocket.connect(pair.gateway().ws()).send("{\"input\":\"返回数据流\"}");
        warmUp.next(11);
        long heapBefore = Heap.afterGc(pair.gateway());
        double producedBefore = Prometheus.sample(pair.chat().uri(), "chat_responses_sent_total");

        TestSocket socket = TestSocket.connectWithoutReading(pair.gateway().ws());
        socket.send(Collections.nCopies(2_000, "{\"input\":\"返回数据流\"}").toArray(String[]::new));
        awaitStalls(() -> (long) Prometheus.sample(pair.chat().uri(), "chat_responses_sent_total"));

        double produced = Prometheus.sample(pair.chat().uri(), "chat_responses_sent_total") - producedBefore;
        long heapGrowth = Heap.afterGc(pair.gateway()) - heapBefore;
        System.out.printf("slow reader: service produced %.0f of 20000 while the client read nothing; "
                + "gateway heap growth %d KiB; unwritten frames %.0f; pending inputs %.0f%n", produced, heapGrowth / 1024,
                Prometheus.sample(pair.gateway().uri(), "gateway_frames_unwritten"),
                Prometheus.sample(pair.gateway().uri(), "gateway_inputs_pending"));
        assertThat(heapGrowth).isLessThan(32L * 1024 * 1024);

        socket.read(Long.MAX_VALUE);
        List<String> outputs = socket.next(22_000).stream().filter(f -> f.startsWith("{\"output\"")).toList();
        assertThat(outputs).containsExactlyElementsOf(
                IntStream.range(0, 20_000).mapToObj(i -> "{\"output\":\"数据流 #" + (i % 10) + "\"}").toList());
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
