package io.grpcbridge.gateway.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.grpcbridge.gateway.fakes.FakeBackends;
import io.grpcbridge.testing.Prometheus;
import io.grpcbridge.testing.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The meters docs/operations.md tells operators to watch move as the protocol runs. */
@QuarkusTest
@FakeBackends
class GatewayMetricsTest {

    @TestHTTPResource("/ws")
    URI ws;

    @TestHTTPResource("/")
    URI root;

    @Test
    void roundTripsErrorsAndClosesAreCounted() throws Exception {
        double roundTrips = Prometheus.sample(root, "gateway_first_output_seconds_count");
        double errors = Prometheus.sum(root, "gateway_error_frames_total", "code=\"INVALID_ARGUMENT\"");
        double closes1000 = Prometheus.sum(root, "gateway_closes_total", "code=\"1000\"");
        double received = Prometheus.sample(root, "gateway_frames_received_total");

        TestSocket socket = TestSocket.connect(ws).send("{\"input\":\"a\"}");
        socket.next(2);
        socket.send("nope");
        socket.next();
        socket.send("{\"input\":\"结束对话\"}");
        socket.next(2);
        assertThat(socket.awaitClose().code()).isEqualTo(1000);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(Prometheus.sample(root, "gateway_first_output_seconds_count")).isEqualTo(roundTrips + 2);
            assertThat(Prometheus.sum(root, "gateway_error_frames_total", "code=\"INVALID_ARGUMENT\"")).isEqualTo(errors + 1);
            assertThat(Prometheus.sum(root, "gateway_closes_total", "code=\"1000\"")).isEqualTo(closes1000 + 1);
            assertThat(Prometheus.sample(root, "gateway_frames_received_total")).isEqualTo(received + 3);
        });
    }
}
