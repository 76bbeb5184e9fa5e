package io.grpcbridge.gateway.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.grpcbridge.gateway.fakes.FakeBackends;
import io.grpcbridge.gateway.fakes.FakeChatServer;
import io.grpcbridge.gateway.fakes.InjectFakeChat;
import io.grpcbridge.testing.Prometheus;
import io.grpcbridge.testing.RawWebSocket;
import io.grpcbridge.testing.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Clients that send as fast as their sockets allow, reading all the while, are slowed to their
 * call's pace and never closed for it: every input is answered, in order, whether the chat keeps up
 * or takes its inputs slowly, uncompressed or with permessage-deflate; and what the gateway holds
 * of a socket's inputs never passes its input window (plus the one message on its way when it fills).
 */
@QuarkusTest
@FakeBackends
class PacedSendersTest {

    @InjectFakeChat
    FakeChatServer fakeChat;

    /** gateway.socket.input-window-bytes and max-frame-bytes, their defaults. */
    private static final long WINDOW_BYTES = 262_144;
    private static final long MAX_FRAME = 65_536;

    @TestHTTPResource("/ws")
    URI ws;

    @TestHTTPResource("/")
    URI root;

    @AfterEach
    void normalService() {
        fakeChat.pace(Duration.ZERO);
    }

    @Test
    void aFastSenderOnWsGetsEveryAnswerInOrderAndIsNeverClosed() throws Exception {
        int inputs = 30_000;
        double pausesBefore = pauses();
        List<String> frames = new ArrayList<>();
        TestSocket.Closed closed = sendAsFastAsTheSocketTakesThenEnd(inputs, frames);

        assertEveryInputEchoedAndAnsweredInOrder(frames, inputs);
        assertThat(closed.code()).isEqualTo(1000);
        System.out.printf("fast sender on /ws: %d inputs of 1 KB answered; reading paused %.0f times%n", inputs,
                pauses() - pausesBefore);
    }

    @Test
    void aFastSenderOnAMethodSocketWithPermessageDeflateGetsEveryAnswerInOrder() throws Exception {
        int inputs = 30_000;
        try (RawWebSocket socket = RawWebSocket.connectCompressing(root.resolve("/ws/chat.Chat/BidStream"), 0)) {
            assertThat(socket.compressing()).isTrue();
            CompletableFuture<List<String>> received = CompletableFuture.supplyAsync(() -> readUntilClose(socket));

            for (int i = 0; i < inputs; i++) {
                socket.sendText("{\"message\":" + v1Input(i, 1024) + "}");
            }
            socket.sendText("{\"end\":true}");
            List<String> frames = received.get(120, TimeUnit.SECONDS);

            List<String> messages = frames.stream().filter(frame -> frame.startsWith("{\"message\"")).toList();
            assertThat(messages).hasSize(inputs);
            for (int i = 0; i < inputs; i++) {
                assertThat(messages.get(i)).startsWith("{\"message\":{\"output\":\"服务端返回: " + String.format("%06d", i));
            }
            assertThat(frames.get(frames.size() - 2)).contains("\"code\":\"OK\"");
            assertThat(frames.get(frames.size() - 1)).isEqualTo("close 1000");
        }
    }

    @Test
    void aSenderIntoASlowChatIsPacedToItsPaceAndLosesNothing() throws Exception {
        int inputs = 5_000; // 5 MB through a 256 KiB window
        fakeChat.pace(Duration.ofNanos(20_000));
        double pausesBefore = pauses();
        double socketsBefore = Prometheus.sample(root, "gateway_input_window_peak_bytes_count");
        List<String> frames = new ArrayList<>();
        TestSocket.Closed closed = sendAsFastAsTheSocketTakesThenEnd(inputs, frames);

        assertEveryInputEchoedAndAnsweredInOrder(frames, inputs);
        assertThat(closed.code()).isEqualTo(1000);
        double paused = Prometheus.sum(root, "gateway_reads_paused_total", "reason=\"window\"") - pausesBefore;
        assertThat(paused).as("times the socket was not read because chat-service was behind").isPositive();
        assertThat(Prometheus.sample(root, "gateway_input_window_peak_bytes_count")).isEqualTo(socketsBefore + 1);
        assertThat(Prometheus.sample(root, "gateway_input_window_peak_bytes_max")).isLessThanOrEqualTo(WINDOW_BYTES + MAX_FRAME);
        System.out.printf("sender into a slow chat: %d inputs of 1 KB answered; reading paused %.0f times for the window; "
                + "window peak %.0f bytes%n", inputs, paused, Prometheus.sample(root, "gateway_input_window_peak_bytes_max"));
    }

    /**
     * On a new {@code /ws} socket, {@code inputs} inputs of 1 KB as fast as it takes them, then
     * {@code 结束对话}; every frame until the close goes to {@code frames}.
     */
    private TestSocket.Closed sendAsFastAsTheSocketTakesThenEnd(int inputs, List<String> frames) throws InterruptedException {
        TestSocket socket = TestSocket.connect(ws);
        for (int i = 0; i < inputs; i++) {
            socket.send(v1Input(i, 1024));
        }
        socket.send("{\"input\":\"结束对话\"}");
        return socket.drain(frames);
    }

    /** {@code {"input":"<i, 6 digits><padding>"}} of {@code bytes} bytes. */
    static String v1Input(int i, int bytes) {
        String text = String.format("%06d", i);
        return "{\"input\":\"" + text + "x".repeat(bytes - 12 - text.length()) + "\"}";
    }

    private static void assertEveryInputEchoedAndAnsweredInOrder(List<String> frames, int inputs) {
        List<String> echoes = frames.stream().filter(frame -> frame.startsWith("{\"input\"")).toList();
        List<String> outputs = frames.stream().filter(frame -> frame.startsWith("{\"output\"")).toList();
        assertThat(frames).noneMatch(frame -> frame.startsWith("{\"error\""));
        assertThat(echoes).hasSize(inputs + 1);
        assertThat(outputs).hasSize(inputs + 1);
        for (int i = 0; i < inputs; i++) {
            String number = String.format("%06d", i);
            assertThat(echoes.get(i)).startsWith("{\"input\":\"" + number);
            assertThat(outputs.get(i)).startsWith("{\"output\":\"服务端返回: " + number);
        }
        assertThat(outputs.get(inputs)).isEqualTo("{\"output\":\"收到结束指令\"}");
    }

    private double pauses() {
        return Prometheus.sum(root, "gateway_reads_paused_total", "");
    }

    /** Every text message until the close, then {@code "close <code>"}. */
    private static List<String> readUntilClose(RawWebSocket socket) {
        List<String> frames = new ArrayList<>();
        try {
            RawWebSocket.Frame frame;
            while ((frame = socket.next()) != null) {
                if (frame.opcode() == RawWebSocket.CLOSE) {
                    frames.add("close " + frame.closeCode());
                    return frames;
                }
                frames.add(new String(frame.payload(), StandardCharsets.UTF_8));
            }
            return frames;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
