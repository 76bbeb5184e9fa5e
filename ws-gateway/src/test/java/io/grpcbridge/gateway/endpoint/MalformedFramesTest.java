package io.grpcbridge.gateway.endpoint;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.grpcbridge.gateway.fakes.FakeBackends;
import io.grpcbridge.testing.RawWebSocket;
import io.grpcbridge.testing.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * 10,000 malformed frames of random shape, from a seeded generator: each is answered by an error
 * frame, or by the documented close, and a well-behaved socket next door keeps getting its answers.
 */
@QuarkusTest
@FakeBackends
class MalformedFramesTest {

    static final int FRAMES = 10_000;
    static final long SEED = 20261125L;

    @TestHTTPResource("/ws")
    URI ws;

    @Test
    void everyMalformedFrameGetsAnErrorFrameOrTheDocumentedCloseAndOtherSocketsKeepWorking() throws Exception {
        AtomicBoolean fuzzing = new AtomicBoolean(true);
        AtomicInteger neighbourRoundTrips = new AtomicInteger();
        CompletableFuture<Void> neighbour = CompletableFuture.runAsync(() -> {
            try {
                TestSocket socket = TestSocket.connect(ws);
                for (int i = 0; fuzzing.get(); i++) {
                    socket.send("{\"input\":\"n" + i + "\"}");
                    assertThat(socket.next(2)).containsExactly("{\"input\":\"n" + i + "\"}", "{\"output\":\"服务端返回: n" + i + "\"}");
                    neighbourRoundTrips.incrementAndGet();
                }
                socket.closeNormally();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        Random random = new Random(SEED);
        int errors = 0;
        int answered = 0;
        int closed1009 = 0;
        RawWebSocket socket = RawWebSocket.connect(ws);
        try {
            for (int i = 0; i < FRAMES; i++) {
                Malformed frame = Malformed.next(i, random);
                socket.send(frame.opcode, frame.payload);
                RawWebSocket.Frame answer = socket.next();
                assertThat(answer).as("an answer to %s", frame).isNotNull();
                if (frame.expect == Expect.CLOSE_1009) {
                    assertThat(answer.opcode()).isEqualTo(RawWebSocket.CLOSE);
                    assertThat(answer.closeCode()).isEqualTo(1009);
                    closed1009++;
                    socket.close();
                    socket = RawWebSocket.connect(ws);
                } else if (frame.expect == Expect.ANSWER) {
                    assertThat(answer.text()).as("echo of %s", frame).startsWith("{\"input\":\"");
                    assertThat(socket.next().text()).startsWith("{\"output\":\"服务端返回: ");
                    answered++;
                } else {
                    assertThat(answer.text()).as("answer to %s", frame)
                            .startsWith("{\"error\":{\"code\":\"INVALID_ARGUMENT\",\"message\":\"");
                    errors++;
                }
            }
        } finally {
            socket.close();
            fuzzing.set(false);
        }
        neighbour.get(30, TimeUnit.SECONDS);
        System.out.printf("fuzz: %d error frames, %d answered (invalid UTF-8 replaced), %d closed 1009; "
                + "neighbour socket: %d round trips meanwhile%n", errors, answered, closed1009, neighbourRoundTrips.get());

        assertThat(neighbourRoundTrips).hasPositiveValue();
        given().get("/q/health/live").then().statusCode(200);
        TestSocket after = TestSocket.connect(ws).send("{\"input\":\"after\"}");
        assertThat(after.next(2)).containsExactly("{\"input\":\"after\"}", "{\"output\":\"服务端返回: after\"}");
    }

    enum Expect {
        ERROR_FRAME, ANSWER, CLOSE_1009
    }

    /** One generated frame and what protocol v1 says the gateway answers to it. */
    record Malformed(String kind, int opcode, byte[] payload, Expect expect) {

        static Malformed next(int index, Random random) {
            if (index % 1_000 == 999) {
                return text("over the frame limit", "{\"input\":\"" + "x".repeat(70_000) + "\"}", Expect.CLOSE_1009);
            }
            return switch (index % 8) {
                case 0 -> new Malformed("random bytes as text", RawWebSocket.TEXT, bytes(random, 1 + random.nextInt(200)),
                        Expect.ERROR_FRAME);
                case 1 -> new Malformed("random bytes as binary", RawWebSocket.BINARY, bytes(random, 1 + random.nextInt(200)),
                        Expect.ERROR_FRAME);
                case 2 -> text("deep JSON", deep(random), Expect.ERROR_FRAME);
                case 3 -> text("input of a wrong type", "{\"input\":" + wrongType(random) + "}", Expect.ERROR_FRAME);
                case 4 -> text("huge unknown field", "{\"x\":\"" + "y".repeat(1 + random.nextInt(60_000)) + "\"}",
                        Expect.ERROR_FRAME);
                case 5 -> invalidUtf8Input(random);
                case 6 -> text("JSON punctuation", punctuation(random), Expect.ERROR_FRAME);
                default -> text("end that is not true", "{\"end\":" + wrongType(random) + "}", Expect.ERROR_FRAME);
            };
        }

        @Override
        public String toString() {
            return kind + " (" + payload.length + " bytes)";
        }

        private static Malformed text(String kind, String text, Expect expect) {
            return new Malformed(kind, RawWebSocket.TEXT, text.getBytes(StandardCharsets.UTF_8), expect);
        }

        /**
         * Vert.x decodes a text frame's invalid UTF-8 with U+FFFD replacement before the gateway
         * sees it (docs/protocol.md), so a well-formed input with invalid bytes is answered.
         */
        private static Malformed invalidUtf8Input(Random random) {
            byte[] prefix = "{\"input\":\"".getBytes(StandardCharsets.UTF_8);
            byte[] bad = { (byte) 0xc3, (byte) 0x28, (byte) (0x80 + random.nextInt(64)), (byte) 0xff };
            byte[] suffix = "\"}".getBytes(StandardCharsets.UTF_8);
            byte[] payload = new byte[prefix.length + bad.length + suffix.length];
            System.arraycopy(prefix, 0, payload, 0, prefix.length);
            System.arraycopy(bad, 0, payload, prefix.length, bad.length);
            System.arraycopy(suffix, 0, payload, prefix.length + bad.length, suffix.length);
            return new Malformed("invalid UTF-8 in an input", RawWebSocket.TEXT, payload, Expect.ANSWER);
        }

        private static byte[] bytes(Random random, int length) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            bytes[0] = (byte) (bytes[0] == '{' ? '[' : bytes[0]);
            return bytes;
        }

        private static String deep(Random random) {
            int depth = 2 + random.nextInt(5_000);
            String open = random.nextBoolean() ? "[" : "{\"input\":";
            return open.repeat(depth) + "\"x\"" + (open.equals("[") ? "]" : "}").repeat(depth);
        }

        private static String wrongType(Random random) {
            return switch (random.nextInt(6)) {
                case 0 -> String.valueOf(random.nextLong());
                case 1 -> "false";
                case 2 -> "null";
                case 3 -> "[\"a\",1]";
                case 4 -> "{\"input\":\"nested\"}";
                default -> "1e999";
            };
        }

        private static String punctuation(Random random) {
            String alphabet = "{}[]\":,\\ input";
            StringBuilder text = new StringBuilder();
            for (int i = 1 + random.nextInt(100); i > 0; i--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            return text.toString();
        }
    }
}
