package io.grpcbridge.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.grpc.Metadata;
import io.grpcbridge.gateway.fakes.FakeBackends;
import io.grpcbridge.gateway.fakes.FakeChatServer;
import io.grpcbridge.gateway.fakes.InjectFakeChat;
import io.grpcbridge.testing.TestSocket;
import io.grpcbridge.testing.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * gateway.auth.enabled=true: an upgrade needs a valid bearer token, which a browser sends as a
 * subprotocol; the caller and the allow-listed headers reach chat-service as call metadata.
 */
@QuarkusTest
@TestProfile(AuthenticationTest.AuthOn.class)
@FakeBackends
class AuthenticationTest {

    @InjectFakeChat
    FakeChatServer fakeChat;

    public static class AuthOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.auth.enabled", "true", "gateway.calls.forward-headers", "x-request-id,accept-language");
        }
    }

    private static final Metadata.Key<String> REQUEST_ID = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);

    @TestHTTPResource("/ws")
    URI ws;

    @Test
    void aSessionIsResumedOnlyByTheCallerThatOpenedIt() throws Exception {
        URI session = ws.resolve("/session");
        TestSocket alices = TestSocket.connectWithToken(session, TestTokens.forUser("alice"));
        String token = com.google.gson.JsonParser.parseString(alices.next()).getAsJsonObject()
                .getAsJsonObject("session").get("token").getAsString();
        alices.abort();

        TestSocket bobs = TestSocket.connectWithToken(URI.create(session + "?resume=gateway"), TestTokens.forUser("bob"));
        bobs.send("{\"resume\":\"" + token + "\"}");
        assertThat(bobs.awaitClose().code()).as("another caller with the session's token").isEqualTo(4404);

        TestSocket alicesAgain = TestSocket.connectWithToken(URI.create(session + "?resume=gateway"), TestTokens.forUser("alice"));
        alicesAgain.send("{\"resume\":\"" + token + "\"}");
        assertThat(alicesAgain.next()).startsWith("{\"resumed\":");
        alicesAgain.closeNormally();
    }

    @Test
    void upgradeWithoutTokenIsRefusedWith401() {
        assertThat(TestSocket.handshakeStatus(() -> TestSocket.connect(ws))).isEqualTo(401);
    }

    @Test
    void tokenSignedWithAnUnknownKeyIsRefusedWith401() {
        assertThat(TestSocket.handshakeStatus(() -> TestSocket.connectWithToken(ws, TestTokens.forgedFor("mallory")))).isEqualTo(401);
    }

    @Test
    void tokenFromAnotherIssuerIsRefusedWith401() {
        assertThat(TestSocket.handshakeStatus(() -> TestSocket.connectWithToken(ws, TestTokens.fromAnotherIssuerFor("alice")))).isEqualTo(401);
    }

    @Test
    void expiredTokenIsRefusedWith401() {
        assertThat(TestSocket.handshakeStatus(() -> TestSocket.connectWithToken(ws, TestTokens.expiredFor("alice")))).isEqualTo(401);
    }

    @Test
    void tokenInTheAuthorizationHeaderOfANonBrowserClientIsAccepted() throws Exception {
        TestSocket socket = TestSocket.connectWithHeaders(ws, Map.of("Authorization", "Bearer " + TestTokens.forUser("bob")));
        assertThat(socket.send("{\"input\":\"你好\"}").next(2)).last().isEqualTo("{\"output\":\"服务端返回: 你好\"}");
        assertThat(caller(fakeChat.lastCallHeaders())).isEqualTo("bob");
        socket.closeNormally();
    }

    @Test
    void browserSendsTheTokenAsASubprotocolAndChatServiceLearnsWhoCalls() throws Exception {
        TestSocket socket = TestSocket.connectWithToken(ws, TestTokens.forUser("张三"));
        assertThat(socket.send("{\"input\":\"你好\"}").next(2)).last().isEqualTo("{\"output\":\"服务端返回: 你好\"}");
        Metadata headers = fakeChat.lastCallHeaders();
        assertThat(caller(headers)).isEqualTo("张三");
        assertThat(headers.containsKey(REQUEST_ID)).isFalse();
        socket.closeNormally();
    }

    @Test
    void allowListedHandshakeHeadersAreForwardedAndOthersAreNot() throws Exception {
        TestSocket socket = TestSocket.connectWithHeaders(ws, Map.of(
                "Authorization", "Bearer " + TestTokens.forUser("carol"),
                "X-Request-Id", "req-42",
                "X-Not-Listed", "secret"));
        assertThat(socket.send("{\"input\":\"hi\"}").next(2)).last().isEqualTo("{\"output\":\"服务端返回: hi\"}");
        Metadata headers = fakeChat.lastCallHeaders();
        assertThat(caller(headers)).isEqualTo("carol");
        assertThat(headers.get(REQUEST_ID)).isEqualTo("req-42");
        assertThat(headers.keys()).doesNotContain("x-not-listed", "authorization");
        socket.closeNormally();
    }

    @Test
    void aCallerHeaderSentByTheClientDoesNotNameTheCaller() throws Exception {
        TestSocket socket = TestSocket.connectWithHeaders(ws, Map.of(
                "Authorization", "Bearer " + TestTokens.forUser("dave"),
                "X-Caller-Bin", "YWRtaW4"));
        assertThat(socket.send("{\"input\":\"hi\"}").next(2)).last().isEqualTo("{\"output\":\"服务端返回: hi\"}");
        assertThat(fakeChat.lastCallHeaders().getAll(CallMetadata.CALLER))
                .extracting(bytes -> new String(bytes, StandardCharsets.UTF_8)).containsExactly("dave");
        socket.closeNormally();
    }

    @Test
    void socketIsClosed1008WhenItsTokenExpiresAndItsCallEnds() throws Exception {
        TestSocket socket = TestSocket.connectWithToken(ws, TestTokens.forUser("frank", Duration.ofSeconds(3)));
        assertThat(socket.send("{\"input\":\"hi\"}").next(2)).last().isEqualTo("{\"output\":\"服务端返回: hi\"}");
        assertThat(socket.awaitClose()).isEqualTo(new TestSocket.Closed(1008, "Authentication expired"));
        await().atMost(Duration.ofSeconds(10)).until(() -> fakeChat.activeCalls() == 0);
    }

    static String caller(Metadata headers) {
        byte[] caller = headers.get(CallMetadata.CALLER);
        return caller == null ? null : new String(caller, StandardCharsets.UTF_8);
    }
}
