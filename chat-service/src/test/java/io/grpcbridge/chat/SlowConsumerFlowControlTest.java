package io.grpcbridge.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.net.URL;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpcbridge.testing.RecordingCall;
import io.quarkus.test.common.http.TestHTTPResource;
import io.grpcbridge.testing.Prometheus;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A client that reads slowly must hold the service back: production stays within what the client
 * asked for plus what the HTTP/2 flow-control windows hold, and nothing piles up in the heap.
 */
@QuarkusTest
class SlowConsumerFlowControlTest {

    /** The test client's HTTP/2 receive window: what the transport may hold beyond what was read. */
    static final int CLIENT_WINDOW_BYTES = 16 * 1024;
    /** A "数据流 #n" response on the wire: 5 bytes gRPC framing + 2 bytes protobuf tag + 12 bytes text. */
    static final int RESPONSE_WIRE_BYTES = 19;

    @TestHTTPResource("/")
    URL root;

    @Test
    void shouldProduceNoMoreThanTheWindowPlusWhatASlowClientAskedFor() throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress(root.getHost(), root.getPort())
                .usePlaintext()
                .flowControlWindow(CLIENT_WINDOW_BYTES)
                .build();
        ScheduledExecutorService reader = Executors.newSingleThreadScheduledExecutor();
        try {
            warmUp(channel);
            double producedBefore = Prometheus.sample(root.toURI(), "chat_responses_sent_total");
            long heapBefore = heapAfterGc();

            RecordingCall call = RecordingCall.openWithoutReading(channel)
                    .send(Collections.nCopies(2_000, "返回数据流").toArray(String[]::new));
            call.halfClose();
            // One response every 10 ms for 2 s: 200 responses asked for.
            var pacing = reader.scheduleAtFixedRate(() -> call.request(1), 0, 10, TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> call.outputs.size() >= 200);
            pacing.cancel(false);
            int asked = call.outputs.size();

            double produced = Prometheus.sample(root.toURI(), "chat_responses_sent_total") - producedBefore;
            long heapGrowth = heapAfterGc() - heapBefore;
            System.out.printf("slow consumer: asked %d, produced %.0f of 20000, heap growth %d KiB%n",
                    asked, produced, heapGrowth / 1024);

            // What was read, the client's window and at most 32 KiB queued in the server's transport
            // before isReady() turns false: the service must stop there, far below the 20,000.
            long bound = asked + (CLIENT_WINDOW_BYTES + 32 * 1024) / RESPONSE_WIRE_BYTES;
            assertThat(produced).isLessThanOrEqualTo(bound);
            assertThat(heapGrowth).isLessThan(16L * 1024 * 1024);

            call.request(Integer.MAX_VALUE);
            assertThat(call.awaitClose().getCode()).isEqualTo(Status.Code.OK);
            List<String> expected = IntStream.range(0, 20_000).mapToObj(i -> "数据流 #" + (i % 10)).toList();
            assertThat(call.outputs).containsExactlyElementsOf(expected);
        } finally {
            reader.shutdownNow();
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Lets the transports allocate their buffer pools before the heap is measured. */
    private static void warmUp(ManagedChannel channel) throws Exception {
        RecordingCall call = RecordingCall.open(channel).send(Collections.nCopies(200, "返回数据流").toArray(String[]::new));
        call.halfClose();
        assertThat(call.awaitClose().getCode()).isEqualTo(Status.Code.OK);
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
