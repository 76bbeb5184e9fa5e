package io.grpcbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
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

    /**
     * Sessions: one whose chat call is running goes on until the drain timeout (the call is never
     * half-closed for it) and then closes 1001, cancelling it; one with no call closes 1001 at once.
     */
    @Test
    void gatewaySigtermClosesSessions1001AtOnceWithoutCallsAndAtTheDrainTimeoutWithThem() throws Exception {
        URI sessions = URI.create("ws://" + pair.gateway().uri().getAuthority() + "/session");
        TestSocket idle = TestSocket.connect(sessions);
        assertThat(idle.next()).startsWith("{\"session\":");
        TestSocket busy = TestSocket.connect(sessions);
        assertThat(busy.next()).startsWith("{\"session\":");
        busy.send("{\"call\":1,\"open\":\"chat.Chat/BidStream\",\"credit\":100}");
        assertThat(busy.next()).isEqualTo("{\"call\":1,\"seq\":1,\"credit\":8}");

        pair.gateway().terminate();

        assertThat(idle.awaitClose()).isEqualTo(new TestSocket.Closed(1001, "gateway restarting"));
        assertThat(busy.closed).as("the session with a call, when the one without has closed").isNotDone();
        busy.send("{\"call\":1,\"seq\":1,\"message\":{\"input\":\"while draining\"}}");
        assertThat(busy.next(2)).containsExactly("{\"call\":1,\"seq\":2,\"ack\":1,\"headers\":{}}",
                "{\"call\":1,\"seq\":3,\"message\":{\"output\":\"服务端返回: while draining\"}}");
        assertThat(busy.awaitClose()).isEqualTo(new TestSocket.Closed(1001, "gateway restarting; calls still open were cancelled"));
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
