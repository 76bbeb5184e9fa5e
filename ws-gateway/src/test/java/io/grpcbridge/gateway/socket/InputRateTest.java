package io.grpcbridge.gateway.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.grpcbridge.gateway.fakes.FakeBackends;
import io.grpcbridge.testing.Prometheus;
import io.grpcbridge.testing.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Over gateway.socket.max-inputs-per-second a socket is read more slowly: nothing is dropped, no
 * error frame, no close; every input is answered, in order.
 */
@QuarkusTest
@TestProfile(InputRateTest.FivePerSecond.class)
@FakeBackends
class InputRateTest {

    public static class FivePerSecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.socket.max-inputs-per-second", "5");
        }
    }

    @TestHTTPResource("/ws")
    URI ws;

    @TestHTTPResource("/")
    URI root;

    @Test
    void inputsOverTheRateAreReadMoreSlowlyAndEveryOneIsAnswered() throws Exception {
        double paused = Prometheus.sum(root, "gateway_reads_paused_total", "reason=\"rate\"");
        TestSocket socket = TestSocket.connect(ws);

        for (int i = 0; i < 12; i++) {
            socket.send("{\"input\":\"i" + i + "\"}");
        }
        List<String> frames = socket.next(24);

        assertThat(frames.stream().filter(frame -> frame.startsWith("{\"input\"")))
                .containsExactlyElementsOf(IntStream.range(0, 12).mapToObj(i -> "{\"input\":\"i" + i + "\"}").toList());
        assertThat(frames.stream().filter(frame -> frame.startsWith("{\"output\"")))
                .containsExactlyElementsOf(IntStream.range(0, 12).mapToObj(i -> "{\"output\":\"服务端返回: i" + i + "\"}").toList());
        assertThat(Prometheus.sum(root, "gateway_reads_paused_total", "reason=\"rate\"")).isGreaterThan(paused);
        assertThat(socket.closed).isNotDone();
        socket.roundTrip("still open");
    }
}
