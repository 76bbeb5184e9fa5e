package io.grpcbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpcbridge.testing.Prometheus;
import io.grpcbridge.testing.TestSocket;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A client that sends far faster than chat-service takes requests (one per 10 ms here) is paced by
 * bounded buffers and closed with 1008 past them: the gateway's memory does not follow the flood.
 */
@QuarkusTest
@QuarkusTestResource(value = FakeChatServer.class, restrictToAnnotatedClass = true)
class FloodingClientTest {

    static final int FRAMES = 100_000;

    @TestHTTPResource("/ws")
    URI ws;

    @TestHTTPResource("/")
    URI root;

    @BeforeAll
    static void slowService() {
        FakeChatServer.requestPace = Duration.ofMillis(10);
    }

    @AfterAll
    static void normalService() {
        FakeChatServer.requestPace = Duration.ZERO;
    }

    @Test
    void floodingClientIsClosedWith1008PastThePendingInputBoundAndMemoryStaysBounded() throws Exception {
        TestSocket warmUp = TestSocket.connect(ws).send("{\"input\":\"warm up\"}");
        warmUp.next(2);
        long heapBefore = heapAfterGc();

        TestSocket flood = TestSocket.connect(ws);
        String frame = "{\"input\":\"" + "x".repeat(1024 - 12) + "\"}";
        int sent = 0;
        try {
            while (sent < FRAMES && !flood.closed.isDone()) {
                flood.send(frame);
                sent++;
            }
        } catch (CompletionException closedWhileSending) {
            // The gateway closed the socket while frames were still going out.
        }
        TestSocket.Closed closed = flood.awaitClose();
        long heapGrowth = heapAfterGc() - heapBefore;
        System.out.printf("flood: %d frames sent before %s, heap growth %d KiB, peak pending inputs %s%n",
                sent, closed, heapGrowth / 1024, Prometheus.sample(root, "gateway_inputs_pending"));

        assertThat(closed.code()).isEqualTo(1008);
        assertThat(closed.reason()).contains("bytes waiting for chat-service");
        assertThat(sent).isLessThan(FRAMES);
        assertThat(heapGrowth).isLessThan(64L * 1024 * 1024);

        TestSocket next = TestSocket.connect(ws).send("{\"input\":\"next\"}");
        assertThat(next.next(2)).containsExactly("{\"input\":\"next\"}", "{\"output\":\"服务端返回: next\"}");
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
