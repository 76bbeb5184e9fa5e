package io.grpcbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.grpcbridge.testing.TestSocket;

/**
 * The gateway is ready exactly while chat-service can be reached, from its first probe on, and a
 * socket opens only then: while chat-service is down, upgrades are refused (503), so no client is
 * ever told a socket is open before its call is.
 */
class ReadinessIT {

    /** The bound docs/operations.md gives for readiness to follow chat-service. */
    private static final Duration FOLLOWS_WITHIN = Duration.ofSeconds(5);

    @RegisterExtension
    static final Pair pair = Pair.perTest();

    @Test
    void readinessIsUpOnTheFirstProbeDownSoonAfterChatServiceDiesAndUpSoonAfterItReturns() throws Exception {
        assertThat(pair.gateway().answers("/q/health/ready")).as("the first probe after start").isTrue();

        pair.chat().kill();
        await().atMost(FOLLOWS_WITHIN).until(() -> !pair.gateway().answers("/q/health/ready"));
        assertThat(TestSocket.handshakeStatus(() -> TestSocket.connect(pair.gateway().ws())))
                .as("an upgrade while chat-service is down").isEqualTo(503);

        pair.chat().start();
        await().atMost(FOLLOWS_WITHIN).until(() -> pair.gateway().answers("/q/health/ready"));
        TestSocket socket = TestSocket.connect(pair.gateway().ws()).send("{\"input\":\"back\"}");
        assertThat(socket.next(2)).containsExactly("{\"input\":\"back\"}", "{\"output\":\"服务端返回: back\"}");
    }

    @Test
    void aGatewayStartedBeforeChatServiceBecomesReadyWhenItArrives() throws Exception {
        pair.chat().kill();
        pair.gateway().stop();
        pair.gateway().start();
        assertThat(pair.gateway().answers("/q/health/ready")).isFalse();

        pair.chat().start();

        await().atMost(FOLLOWS_WITHIN).until(() -> pair.gateway().answers("/q/health/ready"));
    }
}
