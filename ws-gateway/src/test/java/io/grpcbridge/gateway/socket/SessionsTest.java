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
        calls.open(101, "showcase.Showcase/Echo", 0);
        assertThat(calls.statusOf(101)).contains("\"code\":\"RESOURCE_EXHAUSTED\"").contains("already has 100 calls open");
        for (int id = 1; id <= 100; id++) {
            for (String request : requests(id)) {
                if (request.equals("end")) {
                    calls.end(id);
                } else {
                    calls.request(id, request);
                }
            }
        }
        calls.cancel(50);

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

        calls.credit(3, 1999);
        assertThat(calls.statusOf(3)).contains("\"code\":\"OK\"");
        List<String> ticks = calls.messagesOf(3);
        assertThat(ticks).hasSize(2_000);
        for (int i = 0; i < ticks.size(); i++) {
            assertThat(ticks.get(i)).contains("\"message\":{\"index\":\"" + i + "\"");
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
        calls.request(1, "{\"count\":100}");
        calls.awaitMessages(1, 10);
        // A whole call on the same socket after those ten: an eleventh response of call 1 had time to come.
        calls.open(2, "showcase.Showcase/Echo", 1);
        calls.request(2, "{\"stringValue\":\"probe\"}");
        assertThat(calls.statusOf(2)).contains("\"code\":\"OK\"");
        assertThat(calls.messagesOf(1)).hasSize(10);
        assertThat(calls.statusIfAny(1)).isNull();

        calls.credit(1, 5);
        calls.awaitMessages(1, 15);
        calls.credit(1, 85);
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
                calls.request(1, "{\"value\":\"" + i + "\",\"padding\":\"" + padding + "\"}");
            }
            calls.end(1);
            assertThat(calls.statusOf(1)).contains("\"code\":\"OK\"");
            assertThat(calls.messagesOf(1)).singleElement().asString().endsWith("\"message\":{\"sum\":\"" + (long) numbers * (numbers + 1) / 2
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
        calls.request(2, "{}");
        calls.request(2, "{}");

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
                "{\"error\":{\"code\":\"INVALID_ARGUMENT\",\"message\":\"not valid JSON; a frame is {\\\"call\\\":<id>} with \\\"open\\\" "
                        + "(and \\\"credit\\\"), with \\\"ack\\\", or with \\\"seq\\\" and one of \\\"message\\\", \\\"end\\\", \\\"cancel\\\" "
                        + "or \\\"credit\\\"; or {\\\"resume\\\":<token>}\"}}");
        assertThat(calls.socket.next()).startsWith("{\"error\":{\"code\":\"INVALID_ARGUMENT\",\"message\":\"\\\"call\\\" must be an integer");
        assertThat(calls.socket.next()).isEqualTo(
                "{\"call\":1,\"seq\":1,\"status\":{\"code\":\"UNIMPLEMENTED\",\"message\":\"no backend exposes nope.Nope/Nothing\",\"trailers\":{}}}");

        calls.open(2, "showcase.Showcase/Echo", 1);
        calls.request(2, "{\"int32Value\":\"many\"}");
        calls.request(2, "{\"stringValue\":\"after the bad one\"}");
        assertThat(calls.statusOf(2)).contains("\"code\":\"OK\"");
        assertThat(calls.errorsOf(2)).singleElement().asString().contains("int32Value");
        assertThat(calls.messagesOf(2)).singleElement().asString().contains("after the bad one");
        assertThat(calls.grants(2)).as("the refused request's credit was given back").isEqualTo(2);
    }

    @Test
    void reusingACallIdOrNamingOneNeverOpenedLosesTheSession() throws Exception {
        Calls calls = Calls.open(session);
        calls.credit(7, 1);
        assertThat(calls.socket.awaitClose()).isEqualTo(new TestSocket.Closed(1008, "call 7 was never opened"));

        Calls again = Calls.open(session);
        again.open(5, "showcase.Showcase/Echo", 1);
        again.open(5, "showcase.Showcase/Echo", 1);
        assertThat(again.socket.awaitClose().reason()).isEqualTo("call 5 opened after call 5: each call needs a new, larger id");
    }

    @Test
    void aSessionResumedAfterThreeAbruptCutsDeliversEveryOutputAndInputExactlyOnceInOrder() throws Exception {
        int ticks = 10_000;
        int numbers = 5_000;
        double resumedBefore = Prometheus.sample(root, "gateway_sessions_resumed_total");
        long seed = System.nanoTime();
        java.util.Random random = new java.util.Random(seed);
        java.util.TreeSet<Integer> cuts = new java.util.TreeSet<>();
        while (cuts.size() < 3) {
            cuts.add(1_000 + random.nextInt(ticks - 2_000));
        }
        System.out.printf("sessions: cutting the connection after %s ticks (seed %d)%n", cuts, seed);

        Calls calls = Calls.open(session);
        calls.open(1, "showcase.Showcase/Count", 200);
        calls.request(1, "{\"count\":" + ticks + ",\"paddingBytes\":100}");
        calls.open(2, "showcase.Showcase/Sum", 1);
        int sent = 0;
        int granted = 200;
        while (calls.statusIfAny(1) == null || calls.statusIfAny(2) == null) {
            if (sent < numbers && calls.credit.getOrDefault(2L, 0L) > 0) {
                sent++;
                calls.request(2, "{\"value\":\"" + sent + "\"}");
                if (sent == numbers) {
                    calls.end(2);
                }
                continue;
            }
            calls.readOne();
            int received = calls.messagesOf(1).size();
            if (received + 100 > granted && granted < ticks) {
                calls.credit(1, 100); // the reader grants as it consumes
                granted += 100;
            }
            if (!cuts.isEmpty() && received >= cuts.first()) {
                cuts.pollFirst();
                calls.socket.abort();
                calls.resume();
            }
        }

        List<String> tickFrames = calls.messagesOf(1);
        assertThat(tickFrames).hasSize(ticks);
        for (int i = 0; i < ticks; i++) {
            assertThat(tickFrames.get(i)).contains("\"message\":{\"index\":\"" + i + "\"");
        }
        assertThat(calls.statusOf(1)).contains("\"code\":\"OK\"");
        assertThat(calls.messagesOf(2)).singleElement().asString().endsWith(
                "\"message\":{\"sum\":\"" + (long) numbers * (numbers + 1) / 2 + "\",\"count\":\"" + numbers + "\",\"ascending\":true}}");
        assertThat(calls.statusOf(2)).contains("\"code\":\"OK\"");
        System.out.printf("sessions: 3 cuts, %d frames the gateway sent again were already here%n", calls.duplicatesIgnored);
        assertThat(Prometheus.sample(root, "gateway_sessions_resumed_total")).isEqualTo(resumedBefore + 3);
        calls.socket.closeNormally();
    }

    @Test
    void aClientThatAcknowledgesNothingIsPacedNotClosedAndGoesOnWhenItDoes() throws Exception {
        TestSocket socket = TestSocket.connect(session);
        assertThat(socket.next()).startsWith("{\"session\":");
        socket.send("{\"call\":1,\"open\":\"showcase.Showcase/Count\",\"credit\":3000}",
                "{\"call\":1,\"seq\":1,\"message\":{\"count\":3000}}");
        // Frames come until the gateway keeps half the socket's 1,024 unwritten frames for a resume,
        // then stop: none is acknowledged. The last arrives within a second of the one before.
        List<String> frames = new ArrayList<>();
        String frame;
        while ((frame = socket.frames.poll(1, TimeUnit.SECONDS)) != null) {
            frames.add(frame);
        }
        System.out.printf("sessions: %d frames sent to a client that acknowledged none%n", frames.size());
        assertThat(frames.size()).isBetween(500, 520);
        assertThat(socket.closed).isNotDone();

        socket.send("{\"call\":1,\"ack\":" + frames.size() + "}");
        List<String> rest = new ArrayList<>();
        while (rest.isEmpty() || !rest.get(rest.size() - 1).contains("\"status\"")) {
            rest.add(socket.next());
            if (rest.size() % 400 == 0) {
                socket.send("{\"call\":1,\"ack\":" + (frames.size() + rest.size()) + "}");
            }
        }
        assertThat(rest.get(rest.size() - 1)).contains("\"code\":\"OK\"");
        assertThat(frames.size() + rest.size()).as("credit, headers, 3,000 ticks and the status").isEqualTo(3_003);
        socket.closeNormally();
    }

    @Test
    void aTokenNoSessionHasIsRefused4404() throws Exception {
        TestSocket socket = TestSocket.connect(URI.create(session + "?resume=gateway"));
        socket.send("{\"resume\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}");
        assertThat(socket.awaitClose()).isEqualTo(
                new TestSocket.Closed(4404, "no session to resume with this token: unknown, over, or another caller's"));

        Calls calls = Calls.open(session);
        calls.socket.closeNormally(); // a client that closes its session ends it: its token is no good any more
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            TestSocket again = TestSocket.connect(URI.create(session + "?resume=gateway"));
            again.send("{\"resume\":\"" + calls.token + "\"}");
            return again.awaitClose().code() == 4404;
        });
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

    /** Call {@code id}'s requests in order: message bodies, and "end" for a half-close. */
    private static List<String> requests(int id) {
        return switch (method(id)) {
            case "chat.Chat/BidStream" -> id == 50 ? List.of("{\"input\":\"hi\"}") : List.of("{\"input\":\"hi\"}", "{\"input\":\"结束对话\"}");
            case "showcase.Showcase/Echo" -> List.of("{\"stringValue\":\"" + id + "\"}");
            case "showcase.Showcase/Sum" -> List.of("{\"value\":1}", "{\"value\":2}", "end");
            case "showcase.Showcase/Count" -> List.of("{\"count\":" + (id == 3 ? 2_000 : 50) + ",\"paddingBytes\":" + (id == 3 ? 4_000 : 10) + "}");
            default -> List.of("{\"text\":\"a\"}", "{\"text\":\"b\"}", "end");
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

    /**
     * A session's client: numbers its frames per call, acknowledges every frame it reads, sorts what
     * it reads by call, keeps what the gateway has not acknowledged, and can resume on a new socket.
     */
    static final class Calls {

        TestSocket socket;
        String token;
        private final URI uri;
        private final Map<Long, List<String>> messages = new HashMap<>();
        private final Map<Long, List<String>> errors = new HashMap<>();
        private final Map<Long, String> statuses = new HashMap<>();
        final Map<Long, Long> credit = new HashMap<>();
        private final Map<Long, Integer> grants = new HashMap<>();
        private final Map<Long, Long> seqSent = new HashMap<>();
        private final Map<Long, Long> seqRead = new HashMap<>();
        /** Numbered frames sent and not yet acknowledged by the gateway, by call. */
        private final Map<Long, java.util.TreeMap<Long, String>> unacknowledged = new HashMap<>();
        private final Map<Long, String> opens = new java.util.TreeMap<>();
        int duplicatesIgnored;

        private Calls(URI uri) {
            this.uri = uri;
        }

        static Calls open(URI uri) throws InterruptedException {
            Calls calls = new Calls(uri);
            calls.socket = TestSocket.connect(uri);
            JsonObject session = JsonParser.parseString(calls.socket.next()).getAsJsonObject().getAsJsonObject("session");
            assertThat(session.get("maxCalls").getAsInt()).isEqualTo(100);
            assertThat(session.get("requestCredit").getAsInt()).isEqualTo(8);
            calls.token = session.get("token").getAsString();
            return calls;
        }

        void open(long id, String method, long responseCredit) {
            String frame = "{\"call\":" + id + ",\"open\":\"" + method + "\",\"credit\":" + responseCredit + "}";
            opens.put(id, frame);
            socket.send(frame);
        }

        void request(long id, String message) {
            credit.merge(id, -1L, Long::sum);
            numbered(id, "\"message\":" + message);
        }

        void end(long id) {
            numbered(id, "\"end\":true");
        }

        void cancel(long id) {
            numbered(id, "\"cancel\":true");
        }

        void credit(long id, long responses) {
            numbered(id, "\"credit\":" + responses);
        }

        private void numbered(long id, String member) {
            long seq = seqSent.merge(id, 1L, Long::sum);
            String frame = "{\"call\":" + id + ",\"seq\":" + seq + "," + member + "}";
            unacknowledged.computeIfAbsent(id, ignored -> new java.util.TreeMap<>()).put(seq, frame);
            socket.send(frame);
        }

        /**
         * Resumes the session on a new socket: the gateway says what it has of each call; the
         * frames it lacks go again (the opens it never saw first), and so does what it sends.
         */
        void resume() throws InterruptedException {
            socket = TestSocket.connect(URI.create(uri + "?resume=gateway"));
            socket.send("{\"resume\":\"" + token + "\"}");
            JsonObject resumed = JsonParser.parseString(socket.next()).getAsJsonObject().getAsJsonObject("resumed");
            long lastCall = resumed.get("lastCall").getAsLong();
            JsonObject kept = resumed.getAsJsonObject("calls");
            opens.forEach((id, frame) -> {
                if (id > lastCall) {
                    socket.send(frame);
                }
            });
            for (Map.Entry<Long, java.util.TreeMap<Long, String>> call : unacknowledged.entrySet()) {
                long had = kept.has(String.valueOf(call.getKey())) ? kept.getAsJsonObject(String.valueOf(call.getKey())).get("ack").getAsLong() : 0;
                call.getValue().headMap(had, true).clear();
                call.getValue().values().forEach(socket::send);
            }
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

        /** Reads one frame, within the wait of TestSocket. */
        void readOne() throws InterruptedException {
            route(socket.next());
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
            if (json.has("seq")) {
                long seq = json.get("seq").getAsLong();
                if (seq <= seqRead.getOrDefault(id, 0L)) {
                    duplicatesIgnored++;
                    return;
                }
                assertThat(seq).as("call %d's frames in order", id).isEqualTo(seqRead.getOrDefault(id, 0L) + 1);
                seqRead.put(id, seq);
                socket.send("{\"call\":" + id + ",\"ack\":" + seq + "}");
            }
            if (json.has("ack") && unacknowledged.containsKey(id)) {
                unacknowledged.get(id).headMap(json.get("ack").getAsLong(), true).clear();
            }
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
