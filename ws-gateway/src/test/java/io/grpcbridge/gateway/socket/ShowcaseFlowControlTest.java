package io.grpcbridge.gateway.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;

import io.grpcbridge.gateway.fakes.FakeBackends;
import io.grpcbridge.gateway.fakes.InjectShowcase;
import io.grpcbridge.gateway.fakes.ShowcaseBackend;
import io.grpcbridge.testing.Prometheus;
import io.grpcbridge.testing.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Flow control, bounds and cancellation hold on the streaming methods of any backend, not only on
 * the chat stream: a client that reads nothing holds back a server-streaming method at its source,
 * a client that streams into a slow client-streaming method as fast as its socket allows is slowed
 * to the method's pace and loses nothing, and a client that vanishes cancels its call.
 */
@QuarkusTest
@FakeBackends
class ShowcaseFlowControlTest {

    @InjectShowcase
    ShowcaseBackend showcase;

    @TestHTTPResource("/")
    URI root;

    @Test
    void aClientThatReadsNothingHoldsBackAServerStreamingMethodThenGetsEveryTickInOrder() throws Exception {
        int count = 20_000;
        long before = showcase.server().service().ticksSent();
        TestSocket socket = TestSocket.connectWithoutReading(root.resolve("/ws/showcase.Showcase/Count"));

        socket.send("{\"message\":{\"count\":" + count + ",\"paddingBytes\":4000}}");

        long held = awaitStable(() -> showcase.server().service().ticksSent() - before);
        System.out.printf("slow reader, server streaming: %d of %d ticks of 4 KB produced while the client read nothing%n",
                held, count);
        assertThat(held).isLessThan(count / 2);
        assertThat(socket.closed).isNotDone();

        socket.read(Long.MAX_VALUE);
        List<String> frames = new ArrayList<>();
        TestSocket.Closed closed = socket.drain(frames);
        List<String> ticks = frames.stream().filter(frame -> frame.startsWith("{\"message\":")).toList();
        assertThat(ticks).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(ticks.get(i)).startsWith("{\"message\":{\"index\":\"" + i + "\"");
        }
        assertThat(frames.get(frames.size() - 1)).contains("\"code\":\"OK\"");
        assertThat(closed.code()).isEqualTo(1000);
    }

    @Test
    void aClientStreamingIntoASlowClientStreamingMethodIsPacedToItAndEveryInputArrivesInOrder() throws Exception {
        int numbers = 20_000; // 20 MB through a 256 KiB window
        showcase.server().service().setSumDelay(Duration.ofNanos(20_000));
        try {
            long before = showcase.server().service().numbersReceived();
            double pausesBefore = Prometheus.sum(root, "gateway_reads_paused_total", "reason=\"window\"");
            TestSocket socket = TestSocket.connect(root.resolve("/ws/showcase.Showcase/Sum"));
            String padding = "p".repeat(990);

            for (int i = 1; i <= numbers; i++) {
                socket.send("{\"message\":{\"value\":\"" + i + "\",\"padding\":\"" + padding + "\"}}");
            }
            socket.send("{\"end\":true}");
            List<String> frames = new ArrayList<>();
            TestSocket.Closed closed = socket.drain(frames);

            long received = showcase.server().service().numbersReceived() - before;
            double paused = Prometheus.sum(root, "gateway_reads_paused_total", "reason=\"window\"") - pausesBefore;
            System.out.printf("client streaming into a slow method: %d numbers of 1 KB sent, %d taken; reading paused "
                    + "%.0f times; window peak %.0f bytes%n", numbers, received, paused,
                    Prometheus.sample(root, "gateway_input_window_peak_bytes_max"));
            assertThat(frames).contains("{\"message\":{\"sum\":\"" + (long) numbers * (numbers + 1) / 2
                    + "\",\"count\":\"" + numbers + "\",\"ascending\":true}}");
            assertThat(frames.get(frames.size() - 1)).contains("\"code\":\"OK\"");
            assertThat(closed.code()).isEqualTo(1000);
            assertThat(received).isEqualTo(numbers);
            assertThat(paused).as("times the socket was not read because the method was behind").isPositive();
            // What the gateway held of the socket's inputs: its window (256 KiB), plus the message on its way.
            assertThat(Prometheus.sample(root, "gateway_input_window_peak_bytes_max")).isLessThanOrEqualTo(262_144 + 65_536);
        } finally {
            showcase.server().service().setSumDelay(Duration.ZERO);
        }
    }

    @Test
    void aClientThatVanishesCancelsItsServerStreamingCall() throws Exception {
        double streams = Prometheus.sample(root, "gateway_streams_active");
        TestSocket socket = TestSocket.connectWithoutReading(root.resolve("/ws/showcase.Showcase/Count"));
        socket.send("{\"message\":{\"count\":1000000,\"paddingBytes\":1000}}");
        await().atMost(Duration.ofSeconds(10)).until(() -> showcase.server().service().ticksSent() > 0);
        assertThat(Prometheus.sample(root, "gateway_streams_active")).isEqualTo(streams + 1);

        socket.abort();

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(Prometheus.sample(root, "gateway_streams_active")).isEqualTo(streams));
        long stopped = awaitStable(() -> showcase.server().service().ticksSent());
        assertThat(stopped).isLessThan(1_000_000);
    }

    /** The value once it has stayed the same for a whole second (its producer has stopped), within 30 s. */
    private static long awaitStable(LongSupplier value) {
        AtomicLong seen = new AtomicLong(value.getAsLong());
        await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ofSeconds(1)).pollInterval(Duration.ofSeconds(1))
                .until(() -> seen.getAndSet(value.getAsLong()) == seen.get());
        return seen.get();
    }
}
