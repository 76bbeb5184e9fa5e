package io.grpcbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.grpcbridge.testing.Prometheus;
import io.grpcbridge.testing.TestSocket;

/**
 * SIGTERM, as in a rolling restart: no output that chat-service has already produced is lost, and
 * each socket learns why it closes.
 */
class GracefulShutdownIT {

    static final int SOCKETS = 20;

    @RegisterExtension
    final Pair pair = Pair.perTest();

    @Test
    void gatewaySigtermDeliversTheOutputsAlreadyDueThenCloses1001() throws Exception {
        List<TestSocket> sockets = socketsWithTenOutputsProduced();

        pair.gateway().terminate();

        for (TestSocket socket : sockets) {
            socket.read(Long.MAX_VALUE);
            assertThat(socket.next(11)).containsExactlyElementsOf(streamFrames());
            assertThat(socket.awaitClose().code()).isEqualTo(1001);
        }
        assertThat(pair.gateway().exitsWithin(Duration.ofSeconds(15))).isTrue();
    }

    @Test
    void chatServiceSigtermLetsTheOutputsAlreadyProducedThroughThenSocketsGet1013() throws Exception {
        List<TestSocket> sockets = socketsWithTenOutputsProduced();

        pair.chat().terminate();

        for (TestSocket socket : sockets) {
            socket.read(Long.MAX_VALUE);
            assertThat(socket.next(11)).containsExactlyElementsOf(streamFrames());
            assertThat(socket.next()).startsWith("{\"error\":{\"code\":\"UNAVAILABLE\"");
            assertThat(socket.awaitClose().code()).isEqualTo(1013);
        }
        assertThat(pair.chat().exitsWithin(Duration.ofSeconds(15))).isTrue();
    }

    /** Sockets that asked for 返回数据流 and read nothing yet, once chat-service has produced every output. */
    private List<TestSocket> socketsWithTenOutputsProduced() throws Exception {
        double producedBefore = Prometheus.sample(pair.chat().uri(), "chat_responses_sent_total");
        List<TestSocket> sockets = new ArrayList<>();
        for (int i = 0; i < SOCKETS; i++) {
            sockets.add(TestSocket.connectWithoutReading(pair.gateway().ws()).send("{\"input\":\"返回数据流\"}"));
        }
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Prometheus.sample(pair.chat().uri(), "chat_responses_sent_total") - producedBefore == SOCKETS * 10);
        return sockets;
    }

    private static List<String> streamFrames() {
        List<String> frames = new ArrayList<>(List.of("{\"input\":\"返回数据流\"}"));
        IntStream.range(0, 10).forEach(i -> frames.add("{\"output\":\"数据流 #" + i + "\"}"));
        return frames;
    }
}
