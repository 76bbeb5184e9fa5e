package io.grpcbridge.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.grpcbridge.gateway.fakes.FakeBackends;
import io.grpcbridge.gateway.fakes.FakeChatServer;
import io.grpcbridge.gateway.fakes.InjectFakeChat;
import io.grpcbridge.testing.TestSocket;
import io.grpcbridge.testing.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** gateway.auth.enabled=false (the default): no token needed, and a valid one still names the caller. */
@QuarkusTest
@FakeBackends
class AnonymousCallerTest {

    @InjectFakeChat
    FakeChatServer fakeChat;

    @TestHTTPResource("/ws")
    URI ws;

    @Test
    void socketWithoutTokenWorksAndItsCallNamesNoCaller() throws Exception {
        TestSocket socket = TestSocket.connect(ws);
        assertThat(socket.send("{\"input\":\"hi\"}").next(2)).last().isEqualTo("{\"output\":\"服务端返回: hi\"}");
        assertThat(AuthenticationTest.caller(fakeChat.lastCallHeaders())).isNull();
        socket.closeNormally();
    }

    @Test
    void aValidTokenStillNamesTheCaller() throws Exception {
        TestSocket socket = TestSocket.connectWithToken(ws, TestTokens.forUser("erin"));
        assertThat(socket.send("{\"input\":\"hi\"}").next(2)).last().isEqualTo("{\"output\":\"服务端返回: hi\"}");
        assertThat(AuthenticationTest.caller(fakeChat.lastCallHeaders())).isEqualTo("erin");
        socket.closeNormally();
    }

    @Test
    void handshakeHeadersAreNotForwardedUnlessListed() throws Exception {
        TestSocket socket = TestSocket.connectWithHeaders(ws, Map.of("X-Request-Id", "req-1"));
        assertThat(socket.send("{\"input\":\"hi\"}").next(2)).last().isEqualTo("{\"output\":\"服务端返回: hi\"}");
        assertThat(fakeChat.lastCallHeaders().keys()).doesNotContain("x-request-id");
        socket.closeNormally();
    }
}
