package io.grpcbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;

import io.grpcbridge.testing.Prometheus;
import io.grpcbridge.testing.TestSocket;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Flow control, bounds and cancellation hold on the streaming methods of any backend, not only on
 * the chat stream: a client that reads nothing holds back a server-streaming method at its source,
 * a client that floods a slow client-streaming method is closed 1008 after a status frame that says
 * why, and a client that vanishes cancels its call.
 */
@QuarkusTest
@QuarkusTestResource(value = ShowcaseBackend.class, restrictToAnnotatedClass = true)
class ShowcaseFlowControlTest {

    @TestHTTPResource("/")
    URI root;

    @Test
    void aClientThatReadsNothingHoldsBackAServerStreamingMethodThenGetsEveryTickInOrder() throws Exception {
        int count = 20_000;
        long before = ShowcaseBackend.server.service().ticksSent();
        TestSocket socket = TestSocket.connectWithoutReading(root.resolve("/ws/showcase.Showcase/Count"));

        socket.send("{\"message\":{\"count\":" + count + ",\"paddingBytes\":4000}}");

        long held = awaitStable(() -> ShowcaseBackend.server.service().ticksSent() - before);
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
    void aClientFloodingASlowClientStreamingMethodIsClosed1008AfterAStatusFrameSayingWhy() throws Exception {
        ShowcaseBackend.server.service().setSumDelay(Duration.ofMillis(10));
        try {
            long before = ShowcaseBackend.server.service().numbersReceived();
            TestSocket socket = TestSocket.connect(root.resolve("/ws/showcase.Showcase/Sum"));
            int sent = 0;
            while (!socket.closed.isDone() && sent < 100_000) {
                try {
                    socket.send("{\"message\":{\"value\":\"1\"}}");
                    sent++;
                } catch (RuntimeException closedMeanwhile) {
                    break;
                }
            }
            List<String> frames = new ArrayList<>();
            TestSocket.Closed closed = socket.drain(frames);
            long received = ShowcaseBackend.server.service().numbersReceived() - before;
            System.out.printf("flooding client, client streaming: %d sent before the close, %d taken by the service%n",
                    sent, received);

            assertThat(closed.code()).isEqualTo(1008);
            assertThat(frames.get(frames.size() - 1)).contains("\"code\":\"RESOURCE_EXHAUSTED\"");
            assertThat(received).isLessThan(sent);
        } finally {
            ShowcaseBackend.server.service().setSumDelay(Duration.ZERO);
        }
    }

    @Test
    void aClientThatVanishesCancelsItsServerStreamingCall() throws Exception {
        double streams = Prometheus.sample(root, "gateway_streams_active");
        TestSocket socket = TestSocket.connectWithoutReading(root.resolve("/ws/showcase.Showcase/Count"));
        socket.send("{\"message\":{\"count\":1000000,\"paddingBytes\":1000}}");
        await().atMost(Duration.ofSeconds(10)).until(() -> ShowcaseBackend.server.service().ticksSent() > 0);
        assertThat(Prometheus.sample(root, "gateway_streams_active")).isEqualTo(streams + 1);

        socket.abort();

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(Prometheus.sample(root, "gateway_streams_active")).isEqualTo(streams));
        long stopped = awaitStable(() -> ShowcaseBackend.server.service().ticksSent());
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
