package io.grpcbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.grpcbridge.testing.TestSocket;

/**
 * SIGTERM, as in a rolling restart: no output that chat-service has already produced is lost, and
 * each socket learns why it closes.
 */
class GracefulShutdownIT {

    static final int SOCKETS = 20;

    /**
     * chat-service's bound on the streams still open at SIGTERM ({@code quarkus.shutdown.timeout}, 10 s
     * in production), shorter so that the test does not wait it out: the streams here never half-close.
     */
    static final Duration CHAT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(3);

    @RegisterExtension
    final Pair pair = Pair.perTest("-Dquarkus.shutdown.timeout=" + CHAT_SHUTDOWN_TIMEOUT.toSeconds() + "s");

    @Test
    void gatewaySigtermDeliversTheOutputsAlreadyDueThenCloses1001() throws Exception {
        List<TestSocket> sockets = socketsWithTenOutputsProduced();

        pair.gateway().terminate();

        for (TestSocket socket : sockets) {
            socket.read(Long.MAX_VALUE);
            assertThat(socket.next(11)).containsExactlyElementsOf(ChatStreams.frames());
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
            assertThat(socket.next(11)).containsExactlyElementsOf(ChatStreams.frames());
            assertThat(socket.next()).startsWith("{\"error\":{\"code\":\"UNAVAILABLE\"");
            assertThat(socket.awaitClose().code()).isEqualTo(1013);
        }
        assertThat(pair.chat().exitsWithin(Duration.ofSeconds(15))).isTrue();
    }

    /** Sockets that asked for 返回数据流 and read nothing yet, once chat-service has produced every output. */
    private List<TestSocket> socketsWithTenOutputsProduced() {
        return ChatStreams.openUnread(SOCKETS, pair.gateway()::ws, pair.chat());
    }
}
