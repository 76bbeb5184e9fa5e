package io.grpcbridge.gateway.v1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import jakarta.inject.Inject;

import io.grpcbridge.gateway.fakes.FakeBackends;
import io.grpcbridge.gateway.fakes.FakeChatServer;
import io.grpcbridge.gateway.fakes.InjectFakeChat;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.grpcbridge.testing.Prometheus;
import io.grpcbridge.testing.RawWebSocket;
import io.grpcbridge.testing.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;

/**
 * docs/protocol.md, rule by rule, over real sockets to the gateway and a real gRPC server behind it.
 * Test names follow the rules they prove.
 */
@QuarkusTest
@FakeBackends
class ProtocolV1Test {

    @InjectFakeChat
    FakeChatServer fakeChat;

    @TestHTTPResource("/ws")
    URI ws;

    @TestHTTPResource("/")
    URI root;

    @Inject
    Vertx vertx;

    @Test
    void inputIsEchoedThenAnswered() throws Exception {
        TestSocket socket = TestSocket.connect(ws).send("{\"input\":\"hello\"}");

        assertThat(socket.next(2)).containsExactly("{\"input\":\"hello\"}", "{\"output\":\"服务端返回: hello\"}");
    }

    @Test
    void returnDataStreamAnswersTenOutputsInOrder() throws Exception {
        TestSocket socket = TestSocket.connect(ws).send("{\"input\":\"返回数据流\"}");

        assertThat(socket.next(11)).containsExactlyElementsOf(expectedStream());
    }

    @Test
    void serviceCompletingTheStreamClosesWith1000AfterItsOutputs() throws Exception {
        TestSocket socket = TestSocket.connect(ws).send("{\"input\":\"结束对话\"}");

        assertThat(socket.next(2)).containsExactly("{\"input\":\"结束对话\"}", "{\"output\":\"收到结束指令\"}");
        assertThat(socket.awaitClose().code()).isEqualTo(1000);
    }

    @Test
    void endHalfClosesAndOutputsAlreadyDueStillArrive() throws Exception {
        TestSocket socket = TestSocket.connect(ws).send("{\"input\":\"返回数据流\"}", "{\"end\":true}");

        assertThat(socket.next(11)).containsExactlyElementsOf(expectedStream());
        assertThat(socket.awaitClose().code()).isEqualTo(1000);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not JSON                 | hello                          | not valid JSON",
            "truncated JSON           | '{\"input\":'                  | not valid JSON",
            "two JSON values          | '{\"input\":\"a\"} {}'          | not valid JSON",
            "not an object            | '[\"input\"]'                  | not a JSON object",
            "a string                 | '\"input\"'                    | not a JSON object",
            "input not a string       | '{\"input\":5}'                | \"input\" must be a string",
            "input null               | '{\"input\":null}'             | \"input\" must be a string",
            "no input                 | '{}'                           | missing \"input\"",
            "unknown field            | '{\"input\":\"a\",\"x\":1}'    | unknown field \"x\"",
            "proto name, not JSON name| '{\"Input\":\"a\"}'            | unknown field \"Input\"",
            "end not true             | '{\"end\":false}'              | \"end\" must be true",
            "end with input           | '{\"end\":true,\"input\":\"a\"}' | \"end\" must be true and alone",
    })
    void badFrameGetsInvalidArgumentAndTheSocketKeepsWorking(String kind, String frame, String reason)
            throws Exception {
        TestSocket socket = TestSocket.connect(ws).send(frame);

        assertThat(socket.next()).startsWith("{\"error\":{\"code\":\"INVALID_ARGUMENT\",\"message\":\"")
                .contains(reason.replace("\"", "\\\""));
        socket.send("{\"input\":\"still here\"}");
        assertThat(socket.next(2)).containsExactly("{\"input\":\"still here\"}", "{\"output\":\"服务端返回: still here\"}");
    }

    @Test
    void binaryFrameGetsInvalidArgumentAndTheSocketKeepsWorking() throws Exception {
        TestSocket socket = TestSocket.connect(ws).sendBinary(new byte[] { 1, 2, 3 });

        assertThat(socket.next()).contains("INVALID_ARGUMENT").contains("binary frames are not accepted");
        socket.send("{\"input\":\"still here\"}");
        assertThat(socket.next(2)).containsExactly("{\"input\":\"still here\"}", "{\"output\":\"服务端返回: still here\"}");
    }

    @Test
    void inputAfterEndGetsInvalidArgument() throws Exception {
        TestSocket socket = TestSocket.connect(ws).send("{\"input\":\"返回数据流\"}", "{\"end\":true}", "{\"input\":\"late\"}");

        List<String> frames = socket.next(12);
        assertThat(frames).filteredOn(f -> f.contains("\"error\""))
                .singleElement().asString().contains("INVALID_ARGUMENT").contains("input after");
        assertThat(frames).filteredOn(f -> !f.contains("\"error\"")).containsExactlyElementsOf(expectedStream());
        assertThat(socket.awaitClose().code()).isEqualTo(1000);
    }

    @Test
    void frameAtTheLimitIsAccepted() throws Exception {
        String frame = inputFrameOfBytes(65_536);
        TestSocket socket = TestSocket.connect(ws).send(frame);

        assertThat(socket.next()).isEqualTo(frame);
        assertThat(socket.next()).startsWith("{\"output\":\"服务端返回: xxx");
    }

    @Test
    void frameOneByteOverTheLimitClosesWith1009() {
        TestSocket socket = TestSocket.connect(ws).send(inputFrameOfBytes(65_537));

        assertThat(socket.awaitClose().code()).isEqualTo(1009);
    }

    @ParameterizedTest(name = "{0}-byte characters")
    @CsvSource({ "1, x", "2, é", "3, 中", "4, 😀" })
    void theLimitIsCountedInExactUtf8Bytes(int bytesPerCharacter, String character) throws Exception {
        String atTheLimit = inputFrameOfBytes(65_536, character);
        assertThat(atTheLimit.getBytes(StandardCharsets.UTF_8)).hasSize(65_536);
        TestSocket accepted = TestSocket.connect(ws).send(atTheLimit);
        assertThat(accepted.next()).isEqualTo(atTheLimit);
        assertThat(accepted.next()).startsWith("{\"output\":\"服务端返回: " + character);

        String oneCharacterOver = atTheLimit.replace("\"}", character + "\"}");
        assertThat(oneCharacterOver.getBytes(StandardCharsets.UTF_8)).hasSize(65_536 + bytesPerCharacter);
        TestSocket refused = TestSocket.connect(ws).send(oneCharacterOver);
        assertThat(refused.awaitClose().code()).isEqualTo(1009);
    }

    @Test
    void frameOfOneMebibyteClosesWith1009() {
        TestSocket socket = TestSocket.connect(ws).send(inputFrameOfBytes(1024 * 1024));

        assertThat(socket.awaitClose().code()).isEqualTo(1009);
    }

    @Test
    void fragmentedMessageOverTheHardCeilingClosesWith1009() {
        // The JDK client sends large texts as 16 KiB fragments.
        TestSocket socket = TestSocket.connect(ws).send(inputFrameOfBytes(3 * 1024 * 1024));

        assertThat(socket.awaitClose().code()).isEqualTo(1009);
    }

    @Test
    void singleFrameOverTheHardCeilingDropsTheConnectionAndTheGatewayKeepsServing() throws Exception {
        WebSocketClient client = vertx.createWebSocketClient();
        try {
            WebSocketConnectOptions noOrigin = new WebSocketConnectOptions().setPort(ws.getPort()).setHost(ws.getHost())
                    .setURI(ws.getPath()).setAllowOriginHeader(false);
            WebSocket socket = client.connect(noOrigin).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            CompletableFuture<Short> closeCode = new CompletableFuture<>();
            socket.closeHandler(closed -> closeCode.complete(socket.closeStatusCode()));

            socket.writeFrame(WebSocketFrame.textFrame(inputFrameOfBytes(3 * 1024 * 1024), true));

            assertThat(closeCode.get(20, TimeUnit.SECONDS)).as("no close frame, only a dropped connection").isNull();
        } finally {
            client.close();
        }
        TestSocket next = TestSocket.connect(ws).send("{\"input\":\"next\"}");
        assertThat(next.next(2)).containsExactly("{\"input\":\"next\"}", "{\"output\":\"服务端返回: next\"}");
    }

    @Test
    void compressedInputsAreAnsweredAsAnyOther() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connectCompressing(ws, 0)) {
            assertThat(socket.compressing()).as("permessage-deflate agreed").isTrue();
            for (int i = 0; i < 3; i++) {
                socket.sendText("{\"input\":\"" + "压缩".repeat(1000) + i + "\"}");
                assertThat(socket.next().text()).isEqualTo("{\"input\":\"" + "压缩".repeat(1000) + i + "\"}");
                assertThat(socket.next().text()).isEqualTo("{\"output\":\"服务端返回: " + "压缩".repeat(1000) + i + "\"}");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "one frame past the protocol limit, 70000, 1",
            "one frame past the hard ceiling, 3000000, 1",
            "continuation frames past the protocol limit, 70000, 4",
            "continuation frames past the hard ceiling, 3000000, 40" })
    void aCompressedMessageThatInflatesPastTheLimitClosesWith1009(String kind, int inflatedBytes, int frames)
            throws Exception {
        try (RawWebSocket socket = RawWebSocket.connectCompressing(ws, 0)) {
            byte[] compressed = socket.deflate(inputFrameOfBytes(inflatedBytes).getBytes(StandardCharsets.UTF_8));
            assertThat(compressed.length).as("what goes on the wire").isLessThan(16_384);
            int part = (compressed.length + frames - 1) / frames;
            for (int i = 0; i < frames; i++) {
                byte[] piece = Arrays.copyOfRange(compressed, Math.min(i * part, compressed.length),
                        Math.min((i + 1) * part, compressed.length));
                socket.sendFrame(i == frames - 1, i == 0, i == 0 ? RawWebSocket.TEXT : RawWebSocket.CONTINUATION, piece);
            }

            RawWebSocket.Frame close = socket.next();
            assertThat(close.opcode()).isEqualTo(RawWebSocket.CLOSE);
            assertThat(close.closeCode()).isEqualTo(1009);
        }
        TestSocket.connect(ws).roundTrip("next");
    }

    @Test
    void serviceFailureSendsTheStatusThenCloses1011() throws Exception {
        TestSocket socket = TestSocket.connect(ws).send("{\"input\":\"fail:INTERNAL\"}");

        assertThat(socket.next(2)).containsExactly("{\"input\":\"fail:INTERNAL\"}",
                "{\"error\":{\"code\":\"INTERNAL\",\"message\":\"chat: asked to fail\"}}");
        assertThat(socket.awaitClose()).isEqualTo(new TestSocket.Closed(1011, "chat: asked to fail"));
    }

    @Test
    void serviceUnavailableSendsTheStatusWithTheServicesOwnMessageThenCloses1013() throws Exception {
        TestSocket socket = TestSocket.connect(ws).send("{\"input\":\"fail:UNAVAILABLE\"}");

        assertThat(socket.next(2)).endsWith("{\"error\":{\"code\":\"UNAVAILABLE\",\"message\":\"chat: asked to fail\"}}");
        assertThat(socket.awaitClose()).isEqualTo(new TestSocket.Closed(1013, "chat: asked to fail"));
    }

    @Test
    void everySocketsCallIsItsOwnAmong200ConcurrentSockets() throws Exception {
        List<TestSocket> sockets = new ArrayList<>();
        for (int s = 0; s < 200; s++) {
            sockets.add(TestSocket.connect(ws));
        }
        for (int round = 0; round < 50; round++) {
            for (int s = 0; s < sockets.size(); s++) {
                sockets.get(s).send("{\"input\":\"s" + s + "-r" + round + "\"}");
            }
        }
        for (int s = 0; s < sockets.size(); s++) {
            List<String> frames = sockets.get(s).next(100);
            int socket = s;
            assertThat(frames).filteredOn(f -> f.startsWith("{\"output\""))
                    .containsExactlyElementsOf(IntStream.range(0, 50)
                            .mapToObj(r -> "{\"output\":\"服务端返回: s" + socket + "-r" + r + "\"}").toList());
            assertThat(frames).filteredOn(f -> f.startsWith("{\"input\""))
                    .containsExactlyElementsOf(IntStream.range(0, 50)
                            .mapToObj(r -> "{\"input\":\"s" + socket + "-r" + r + "\"}").toList());
            sockets.get(s).closeNormally();
        }
    }

    @Test
    void abruptDisconnectsCancelTheirCallsAndEveryGaugeReturns() throws Exception {
        double connections = Prometheus.sample(root, "gateway_connections_active");
        double streams = Prometheus.sample(root, "gateway_streams_active");
        int serviceCalls = fakeChat.activeCalls();

        for (int i = 0; i < 50; i++) {
            TestSocket socket = TestSocket.connect(ws).send("{\"input\":\"返回数据流\"}");
            socket.next(2);
            socket.abort();
        }

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(Prometheus.sample(root, "gateway_connections_active")).isEqualTo(connections);
            assertThat(Prometheus.sample(root, "gateway_streams_active")).isEqualTo(streams);
            assertThat(fakeChat.activeCalls()).isEqualTo(serviceCalls);
        });
    }

    static List<String> expectedStream() {
        List<String> frames = new ArrayList<>();
        frames.add("{\"input\":\"返回数据流\"}");
        IntStream.range(0, 10).forEach(i -> frames.add("{\"output\":\"数据流 #" + i + "\"}"));
        return frames;
    }

    /** {"input":"xx…x"} of exactly {@code bytes} bytes. */
    static String inputFrameOfBytes(int bytes) {
        return inputFrameOfBytes(bytes, "x");
    }

    /** {"input":"…"} of exactly {@code bytes} UTF-8 bytes: {@code character} repeated, then as many x as it takes. */
    static String inputFrameOfBytes(int bytes, String character) {
        int room = bytes - 12;
        int size = character.getBytes(StandardCharsets.UTF_8).length;
        return "{\"input\":\"" + character.repeat(room / size) + "x".repeat(room % size) + "\"}";
    }
}
