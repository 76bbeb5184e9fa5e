package io.grpcbridge.gateway.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.grpcbridge.gateway.fakes.FakeBackends;
import io.grpcbridge.gateway.fakes.InjectShowcase;
import io.grpcbridge.gateway.fakes.ShowcaseBackend;
import io.grpcbridge.testing.Prometheus;
import io.grpcbridge.testing.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Protocol v2 sessions (docs/protocol.md): many calls of any methods on one socket, each under
 * credit both ways, over a real WebSocket to real gRPC servers (the fake chat-service and the
 * showcase service).
 */
@QuarkusTest
@FakeBackends
class SessionsTest {

    private static final String SESSION_FRAME = "{\"session\":{\"maxCalls\":100,\"requestCredit\":8}}";

    @InjectShowcase
    ShowcaseBackend showcase;

    @TestHTTPResource("/session")
    URI session;

    @TestHTTPResource("/")
    URI root;

    @Test
    void aHundredCallsOfEveryKindShareOneSessionAndOneStalledCallHoldsUpNoneOfTheOthers() throws Exception {
        double streams = Prometheus.sample(root, "gateway_streams_active");
        double sessions = Prometheus.sample(root, "gateway_sessions_active");
        long ticksBefore = showcase.server().service().ticksSent();
        Calls calls = Calls.open(session);

        // Call 3 streams 2,000 ticks of 4 KB to a reader that grants one; call 50 is cancelled; the other 98 run to their end.
        for (int id = 1; id <= 100; id++) {
            calls.open(id, method(id), id == 3 ? 1 : id == 50 ? 0 : 1_000);
        }
        calls.send(101, "{\"call\":101,\"open\":\"showcase.Showcase/Echo\"}");
        assertThat(calls.statusOf(101)).contains("\"code\":\"RESOURCE_EXHAUSTED\"").contains("already has 100 calls open");
        for (int id = 1; id <= 100; id++) {
            for (String request : requests(id)) {
                calls.send(id, request);
            }
        }
        calls.send(50, "{\"call\":50,\"cancel\":true}");

        for (int id = 1; id <= 100; id++) {
            if (id == 3) {
                continue;
            }
            String status = calls.statusOf(id);
            assertThat(status).as("call %d's status", id).contains(id == 50 ? "\"code\":\"CANCELLED\"" : "\"code\":\"OK\"");
            assertThat(calls.messagesOf(id)).as("call %d's responses", id).hasSize(id == 50 ? 0 : expectedResponses(id));
        }
        long othersTicks = 50L * countCalls();
        long heldBack = awaitStable(() -> showcase.server().service().ticksSent() - ticksBefore - othersTicks);
        System.out.printf("sessions: the stalled call's server produced %d of 2000 ticks of 4 KB for a client that granted 1%n",
                heldBack);
        assertThat(heldBack).as("ticks produced for the stalled call").isLessThan(1_000);
        assertThat(calls.messagesOf(3)).hasSize(1);

        calls.send(3, "{\"call\":3,\"credit\":1999}");
        assertThat(calls.statusOf(3)).contains("\"code\":\"OK\"");
        List<String> ticks = calls.messagesOf(3);
        assertThat(ticks).hasSize(2_000);
        for (int i = 0; i < ticks.size(); i++) {
            assertThat(ticks.get(i)).startsWith("{\"call\":3,\"message\":{\"index\":\"" + i + "\"");
        }
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(Prometheus.sample(root, "gateway_streams_active")).isEqualTo(streams));
        assertThat(Prometheus.sample(root, "gateway_sessions_active")).isEqualTo(sessions + 1);
        calls.socket.closeNormally();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(Prometheus.sample(root, "gateway_sessions_active")).isEqualTo(sessions));
    }

    @Test
    void aClientThatGrantsTenResponsesGetsExactlyTenUntilItGrantsMore() throws Exception {
        Calls calls = Calls.open(session);
        calls.open(1, "showcase.Showcase/Count", 10);
        calls.send(1, "{\"call\":1,\"message\":{\"count\":100}}");
        calls.awaitMessages(1, 10);
        // A whole call on the same socket after those ten: an eleventh response of call 1 had time to come.
        calls.open(2, "showcase.Showcase/Echo", 1);
        calls.send(2, "{\"call\":2,\"message\":{\"stringValue\":\"probe\"}}");
        assertThat(calls.statusOf(2)).contains("\"code\":\"OK\"");
        assertThat(calls.messagesOf(1)).hasSize(10);
        assertThat(calls.statusIfAny(1)).isNull();

        calls.send(1, "{\"call\":1,\"credit\":5}");
        calls.awaitMessages(1, 15);
        calls.send(1, "{\"call\":1,\"credit\":85}");
        assertThat(calls.statusOf(1)).contains("\"code\":\"OK\"");
        assertThat(calls.messagesOf(1)).hasSize(100);
    }

    @Test
    void requestsFlowWithinTheCreditTheGatewayGrantsAsTheCallTakesThem() throws Exception {
        int numbers = 5_000;
        showcase.server().service().setSumDelay(Duration.ofNanos(20_000));
        try {
            Calls calls = Calls.open(session);
            calls.open(1, "showcase.Showcase/Sum", 1);
            String padding = "p".repeat(1000);
            for (int i = 1; i <= numbers; i++) {
                calls.awaitRequestCredit(1);
                calls.send(1, "{\"call\":1,\"message\":{\"value\":\"" + i + "\",\"padding\":\"" + padding + "\"}}");
            }
            calls.send(1, "{\"call\":1,\"end\":true}");
            assertThat(calls.statusOf(1)).contains("\"code\":\"OK\"");
            assertThat(calls.messagesOf(1)).containsExactly("{\"call\":1,\"message\":{\"sum\":\"" + (long) numbers * (numbers + 1) / 2
                    + "\",\"count\":\"" + numbers + "\",\"ascending\":true}}");
            System.out.printf("sessions: %d requests of 1 KB in %d grants%n", numbers, calls.grants(1));
            assertThat(calls.grants(1)).as("grants: the first, then more as the call took requests").isGreaterThan(1);
        } finally {
            showcase.server().service().setSumDelay(Duration.ZERO);
        }
    }

    @Test
    void aClientThatSendsPastItsCreditLosesTheSession() throws Exception {
        double sessions = Prometheus.sample(root, "gateway_sessions_active");
        Calls calls = Calls.open(session);
        calls.open(1, "chat.Chat/BidStream", 1);
        calls.open(2, "showcase.Showcase/Echo", 1);
        calls.send(2, "{\"call\":2,\"message\":{}}", "{\"call\":2,\"message\":{}}");

        TestSocket.Closed closed = calls.socket.awaitClose();
        assertThat(closed.code()).isEqualTo(1008);
        assertThat(closed.reason()).isEqualTo("call 2: a request past its credit of 1");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(Prometheus.sample(root, "gateway_sessions_active")).isEqualTo(sessions));
    }

    @Test
    void badFramesGetErrorsAndTheSessionGoesOn() throws Exception {
        Calls calls = Calls.open(session);
        calls.socket.send("not json", "{\"open\":\"chat.Chat/BidStream\"}", "{\"call\":1,\"open\":\"nope.Nope/Nothing\"}");
        assertThat(calls.socket.next()).isEqualTo(
                "{\"error\":{\"code\":\"INVALID_ARGUMENT\",\"message\":\"not valid JSON; a frame is {\\\"call\\\":<id>} with one of "
                        + "\\\"open\\\" (and \\\"credit\\\"), \\\"message\\\", \\\"end\\\", \\\"cancel\\\" or \\\"credit\\\"\"}}");
        assertThat(calls.socket.next()).startsWith("{\"error\":{\"code\":\"INVALID_ARGUMENT\",\"message\":\"\\\"call\\\" must be an integer");
        assertThat(calls.socket.next()).isEqualTo(
                "{\"call\":1,\"status\":{\"code\":\"UNIMPLEMENTED\",\"message\":\"no backend exposes nope.Nope/Nothing\",\"trailers\":{}}}");

        calls.open(2, "showcase.Showcase/Echo", 1);
        calls.send(2, "{\"call\":2,\"message\":{\"int32Value\":\"many\"}}");
        calls.send(2, "{\"call\":2,\"message\":{\"stringValue\":\"after the bad one\"}}");
        assertThat(calls.statusOf(2)).contains("\"code\":\"OK\"");
        assertThat(calls.errorsOf(2)).singleElement().asString().contains("int32Value");
        assertThat(calls.messagesOf(2)).singleElement().asString().contains("after the bad one");
        assertThat(calls.grants(2)).as("the refused request's credit was given back").isEqualTo(2);
    }

    @Test
    void reusingACallIdOrNamingOneNeverOpenedLosesTheSession() throws Exception {
        Calls calls = Calls.open(session);
        calls.send(7, "{\"call\":7,\"credit\":1}");
        assertThat(calls.socket.awaitClose()).isEqualTo(new TestSocket.Closed(1008, "call 7 was never opened"));

        Calls again = Calls.open(session);
        again.open(5, "showcase.Showcase/Echo", 1);
        again.open(5, "showcase.Showcase/Echo", 1);
        assertThat(again.socket.awaitClose().reason()).isEqualTo("call 5 opened after call 5: each call needs a new, larger id");
    }

    @Test
    void aSocketLostWithoutACloseCancelsEveryCallOnIt() throws Exception {
        double streams = Prometheus.sample(root, "gateway_streams_active");
        Calls calls = Calls.open(session);
        for (int id = 1; id <= 10; id++) {
            calls.open(id, "showcase.Showcase/Count", 0);
            calls.send(id, "{\"call\":" + id + ",\"message\":{\"count\":1000000}}");
        }
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(Prometheus.sample(root, "gateway_streams_active")).isEqualTo(streams + 10));

        calls.socket.abort();

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(Prometheus.sample(root, "gateway_streams_active")).isEqualTo(streams));
    }

    // ---- the 100 calls' mix -----------------------------------------------------------------

    private static String method(int id) {
        return switch (id % 5) {
            case 0 -> "chat.Chat/BidStream";
            case 1 -> "showcase.Showcase/Echo";
            case 2 -> "showcase.Showcase/Sum";
            case 3 -> "showcase.Showcase/Count";
            default -> "showcase.Showcase/Converse";
        };
    }

    private static int countCalls() {
        int count = 0;
        for (int id = 1; id <= 100; id++) {
            count += id != 3 && method(id).endsWith("Count") ? 1 : 0;
        }
        return count;
    }

    private static List<String> requests(int id) {
        String call = "{\"call\":" + id + ",";
        return switch (method(id)) {
            case "chat.Chat/BidStream" -> id == 50 ? List.of(call + "\"message\":{\"input\":\"hi\"}}")
                    : List.of(call + "\"message\":{\"input\":\"hi\"}}", call + "\"message\":{\"input\":\"结束对话\"}}");
            case "showcase.Showcase/Echo" -> List.of(call + "\"message\":{\"stringValue\":\"" + id + "\"}}");
            case "showcase.Showcase/Sum" -> List.of(call + "\"message\":{\"value\":1}}", call + "\"message\":{\"value\":2}}",
                    call + "\"end\":true}");
            case "showcase.Showcase/Count" -> List.of(call + "\"message\":{\"count\":" + (id == 3 ? 2_000 : 50)
                    + ",\"paddingBytes\":" + (id == 3 ? 4_000 : 10) + "}}");
            default -> List.of(call + "\"message\":{\"text\":\"a\"}}", call + "\"message\":{\"text\":\"b\"}}", call + "\"end\":true}");
        };
    }

    private static int expectedResponses(int id) {
        return switch (method(id)) {
            case "chat.Chat/BidStream", "showcase.Showcase/Converse" -> 2;
            case "showcase.Showcase/Count" -> 50;
            default -> 1;
        };
    }

    /** The value once it has stayed the same for a whole second (its producer has stopped), within 30 s. */
    private static long awaitStable(LongSupplier value) {
        AtomicLong seen = new AtomicLong(value.getAsLong());
        await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ofSeconds(1)).pollInterval(Duration.ofSeconds(1))
                .until(() -> seen.getAndSet(value.getAsLong()) == seen.get());
        return seen.get();
    }

    /** A session's socket, its frames sorted by the call they name as they are read. */
    private static final class Calls {

        final TestSocket socket;
        private final Map<Long, List<String>> messages = new HashMap<>();
        private final Map<Long, List<String>> errors = new HashMap<>();
        private final Map<Long, String> statuses = new HashMap<>();
        private final Map<Long, Long> credit = new HashMap<>();
        private final Map<Long, Integer> grants = new HashMap<>();

        private Calls(TestSocket socket) {
            this.socket = socket;
        }

        static Calls open(URI uri) throws InterruptedException {
            Calls calls = new Calls(TestSocket.connect(uri));
            assertThat(calls.socket.next()).isEqualTo(SESSION_FRAME);
            return calls;
        }

        void open(long id, String method, long responseCredit) {
            socket.send("{\"call\":" + id + ",\"open\":\"" + method + "\",\"credit\":" + responseCredit + "}");
        }

        /** Sends frames of call {@code id}, counting its requests against the credit seen so far. */
        void send(long id, String... frames) {
            for (String frame : frames) {
                if (frame.contains("\"message\":")) {
                    credit.merge(id, -1L, Long::sum);
                }
            }
            socket.send(frames);
        }

        void awaitRequestCredit(long id) throws InterruptedException {
            while (credit.getOrDefault(id, 0L) <= 0) {
                route(socket.next());
            }
        }

        void awaitMessages(long id, int count) throws InterruptedException {
            while (messagesOf(id).size() < count) {
                route(socket.next());
            }
        }

        String statusOf(long id) throws InterruptedException {
            while (!statuses.containsKey(id)) {
                route(socket.next());
            }
            return statuses.get(id);
        }

        /** Call {@code id}'s status if it has come among the frames read so far and those waiting. */
        String statusIfAny(long id) throws InterruptedException {
            String frame;
            while ((frame = socket.frames.poll(0, TimeUnit.MILLISECONDS)) != null) {
                route(frame);
            }
            return statuses.get(id);
        }

        List<String> messagesOf(long id) {
            return messages.getOrDefault(id, new ArrayList<>());
        }

        List<String> errorsOf(long id) {
            return errors.getOrDefault(id, List.of());
        }

        int grants(long id) {
            return grants.getOrDefault(id, 0);
        }

        private void route(String frame) {
            JsonObject json = JsonParser.parseString(frame).getAsJsonObject();
            long id = json.has("call") ? json.get("call").getAsLong() : 0;
            if (json.has("message")) {
                messages.computeIfAbsent(id, ignored -> new ArrayList<>()).add(frame);
            } else if (json.has("credit")) {
                credit.merge(id, json.get("credit").getAsLong(), Long::sum);
                grants.merge(id, 1, Integer::sum);
            } else if (json.has("status")) {
                statuses.put(id, frame);
            } else if (json.has("error")) {
                errors.computeIfAbsent(id, ignored -> new ArrayList<>()).add(frame);
            }
        }
    }
}
