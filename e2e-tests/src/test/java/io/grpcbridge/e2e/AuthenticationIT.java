package io.grpcbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpcbridge.testing.TestSocket;
import io.grpcbridge.testing.TestTokens;

/**
 * The packaged pair with authentication on, configured as an operator would (a verification key
 * file and an issuer): the gateway refuses sockets without a token, and chat-service logs who each
 * authenticated socket's call is for.
 */
class AuthenticationIT {

    static ServiceProcess chat;
    static ServiceProcess gateway;

    @BeforeAll
    static void start() {
        List<String> options = new ArrayList<>(TestTokens.verificationOptions());
        options.add("-Dgateway.auth.enabled=true");
        chat = ServiceProcess.chatService().start();
        gateway = ServiceProcess.gateway(chat, options.toArray(String[]::new)).start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (gateway != null) {
            gateway.stop();
        }
        if (chat != null) {
            chat.stop();
        }
    }

    @Test
    void socketWithoutTokenIsRefusedWith401() {
        assertThat(TestSocket.handshakeStatus(() -> TestSocket.connect(gateway.ws()))).isEqualTo(401);
    }

    @Test
    void socketWithTokenWorksAndChatServiceLogsItsCaller() throws Exception {
        String user = "user-" + UUID.randomUUID();
        TestSocket socket = TestSocket.connectWithToken(gateway.ws(), TestTokens.forUser(user));

        assertThat(socket.send("{\"input\":\"你好\"}").next(2)).last().isEqualTo("{\"output\":\"服务端返回: 你好\"}");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Files.readString(chat.log(), StandardCharsets.UTF_8))
                .contains("chat.Chat/BidStream called by " + user));
        socket.closeNormally();
    }
}
