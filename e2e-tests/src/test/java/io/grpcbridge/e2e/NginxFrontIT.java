package io.grpcbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.grpcbridge.testing.Prometheus;
import io.grpcbridge.testing.TestSocket;

/**
 * Two packaged gateways behind a real nginx running {@code deploy/nginx/ws-gateway.conf} (docs/scaling.md):
 * sockets spread over both, the gateways log the browser's address from X-Forwarded-For, the public
 * origin passes the origin check, and a gateway stopped with SIGTERM drains its sockets (outputs,
 * then 1001) while nginx retries the upgrades it refuses with 503 on the other gateway.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NginxFrontIT {

    static final int SOCKETS = 20;
    /** The address nginx dials the gateways from; the test's clients reach nginx from 127.0.0.1. */
    static final String NGINX_ADDRESS = "127.0.0.2";
    /** A client-chosen X-Forwarded-For, which must never reach a log line. */
    static final String FORGED = "203.0.113.9";
    /**
     * How long a gateway keeps answering upgrades with 503 after its sockets are drained
     * ({@code quarkus.shutdown.delay}): long enough to watch nginx retry that 503 on the other one.
     */
    static final Duration SHUTDOWN_DELAY = Duration.ofSeconds(8);
    private static final Pattern OPENED = Pattern.compile("opened chat\\.Chat/BidStream from (\\S+) by ");

    static ServiceProcess chat;
    static ServiceProcess first;
    static ServiceProcess second;
    static NginxProcess nginx;

    @BeforeAll
    static void start() {
        nginx = new NginxProcess(NGINX_ADDRESS);
        chat = ServiceProcess.chatService().start();
        String[] options = {
                // The public origin, as a browser sends it through nginx; the gateways' own addresses are no origin.
                "-Dgateway.upgrade.allowed-origins=" + nginx.origin(),
                // As an operator sets it: X-Forwarded-* are believed from the proxy's address only.
                "-Dquarkus.http.proxy.trusted-proxies=" + NGINX_ADDRESS};
        // Only the first is stopped while under test; the second stops at once when the test is over.
        // Each gateway's id is the name of its upstream in the committed file's resume map.
        first = ServiceProcess.gateway(chat, append(append(options, "-Dquarkus.shutdown.delay=" + SHUTDOWN_DELAY.toSeconds() + "s"),
                "-Dgateway.session.gateway-id=gateway-1")).start();
        second = ServiceProcess.gateway(chat, append(options, "-Dgateway.session.gateway-id=gateway-2")).start();
        nginx.start(List.of(first.port(), second.port()));
        System.out.printf("[nginx-front] nginx on %d (dir %s), gateways on %d and %d, chat-service on %d%n",
                nginx.port(), nginx.directory(), first.port(), second.port(), chat.port());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (nginx != null) {
            nginx.stop();
        }
        for (ServiceProcess process : new ServiceProcess[] {first, second, chat}) {
            if (process != null) {
                process.stop();
            }
        }
    }

    @Test
    @Order(1)
    void socketsThroughNginxWorkAndSpreadOverBothGateways() throws Exception {
        List<TestSocket> sockets = new ArrayList<>();
        for (int i = 0; i < SOCKETS; i++) {
            TestSocket socket = connect(clientId());
            socket.roundTrip("hi");
            sockets.add(socket);
        }
        double onFirst = connections(first);
        double onSecond = connections(second);
        System.out.printf("[nginx-front] %d sockets through nginx, each a round trip: %.0f on the first gateway, %.0f on the second%n",
                SOCKETS, onFirst, onSecond);
        assertThat(onFirst).isPositive();
        assertThat(onSecond).isPositive();
        assertThat(onFirst + onSecond).isEqualTo(SOCKETS);

        sockets.forEach(TestSocket::closeNormally);
        awaitConnections(0, 0);
    }

    @Test
    @Order(2)
    void gatewaysLogTheBrowsersAddressAndSeeItsOriginAsSent() throws Exception {
        // Through nginx, with a forged X-Forwarded-For that nginx must replace by the client's address.
        String proxied = clientId();
        TestSocket socket = TestSocket.connectWithHeaders(nginx.ws("/ws?client=" + proxied),
                Map.of("Origin", nginx.origin(), "X-Forwarded-For", FORGED));
        socket.roundTrip("hi");
        String proxiedFrom = openedFrom(proxied);

        // Straight to a gateway, from an address that is not a trusted proxy: its X-Forwarded-For is ignored.
        String direct = clientId();
        TestSocket directSocket = TestSocket.connectWithHeaders(first.uri().resolve("/ws?client=" + direct),
                Map.of("X-Forwarded-For", FORGED));
        String directFrom = openedFrom(direct);
        System.out.printf("[nginx-front] logged: through nginx (client 127.0.0.1, nginx dialing from %s, forged X-Forwarded-For %s)"
                + " \"from %s\"; straight to a gateway with the same forged header \"from %s\"%n",
                NGINX_ADDRESS, FORGED, proxiedFrom, directFrom);
        // The browser's address (X-Forwarded-For as nginx set it), not nginx's, not what the client claimed.
        assertThat(proxiedFrom).startsWith("127.0.0.1:");
        assertThat(directFrom).startsWith("127.0.0.1:");

        // Origin reaches the gateways unchanged: the public origin passes (above), any other gets 403,
        // the gateways' own address included; nginx passes the 403 on without trying the other gateway.
        List<String> refusedClients = new ArrayList<>();
        int foreign = TestSocket.handshakeStatus(() -> TestSocket.connectWithHeaders(
                nginx.ws("/ws?client=" + clientId(refusedClients)), Map.of("Origin", "https://elsewhere.example")));
        int gatewaysOwn = TestSocket.handshakeStatus(() -> TestSocket.connectWithHeaders(
                nginx.ws("/ws?client=" + clientId(refusedClients)), Map.of("Origin", "http://127.0.0.1:" + first.port())));
        List<String> refusedLines = await().atMost(Duration.ofSeconds(20))
                .until(() -> upgradesOf(refusedClients), lines -> lines.size() == refusedClients.size());
        System.out.printf("[nginx-front] Origin %s: opened; https://elsewhere.example: %d; the gateway's own address: %d%n",
                nginx.origin(), foreign, gatewaysOwn);
        refusedLines.forEach(line -> System.out.println("[nginx-front]   " + line));
        assertThat(foreign).isEqualTo(403);
        assertThat(gatewaysOwn).isEqualTo(403);
        assertThat(refusedLines).allSatisfy(line -> assertThat(line).contains("upstream_status=403 "));

        socket.closeNormally();
        directSocket.closeNormally();
        awaitConnections(0, 0);
    }

    @Test
    @Order(3)
    void aSessionResumedThroughNginxReachesTheGatewayThatHoldsIt() throws Exception {
        Map<String, Integer> resumedOn = new java.util.TreeMap<>();
        for (int i = 0; i < 6; i++) {
            TestSocket socket = TestSocket.connectWithHeaders(nginx.ws("/session"), Map.of("Origin", nginx.origin()));
            JsonObject session = JsonParser.parseString(socket.next()).getAsJsonObject().getAsJsonObject("session");
            String gateway = session.get("gateway").getAsString();
            socket.send("{\"call\":1,\"open\":\"chat.Chat/BidStream\",\"credit\":10}");
            socket.abort();

            TestSocket resumed = TestSocket.connectWithHeaders(nginx.ws("/session?resume=" + gateway), Map.of("Origin", nginx.origin()));
            resumed.send("{\"resume\":\"" + session.get("token").getAsString() + "\"}");
            assertThat(resumed.next()).as("resuming on %s through nginx", gateway).startsWith("{\"resumed\":");
            resumed.closeNormally();
            resumedOn.merge(gateway, 1, Integer::sum);
        }
        System.out.printf("[nginx-front] sessions resumed through nginx, by gateway: %s%n", resumedOn);
        assertThat(resumedOn.keySet()).as("sessions held by both gateways, each resumed on its own").containsExactly("gateway-1", "gateway-2");
    }

    @Test
    @Order(4)
    void aGatewayStoppedWithSigtermDrainsItsSocketsWhileNginxSendsNewOnesToTheOther() throws Exception {
        List<String> clients = new ArrayList<>();
        // Every output is produced and on its way; none is read yet.
        List<TestSocket> streaming = ChatStreams.openUnread(SOCKETS, () -> nginx.ws("/ws?client=" + clientId(clients)), chat);
        int onFirst = (int) connections(first);
        int onSecond = (int) connections(second);
        assertThat(onFirst).isPositive();
        assertThat(onSecond).isPositive();
        assertThat(onFirst + onSecond).isEqualTo(SOCKETS);

        first.terminate();

        streaming.forEach(socket -> socket.read(Long.MAX_VALUE));
        for (TestSocket socket : streaming) {
            assertThat(socket.next(11)).containsExactlyElementsOf(ChatStreams.frames());
        }
        // The first gateway's sockets close 1001 after their outputs; the second's stay open.
        await().atMost(Duration.ofSeconds(20)).until(() -> streaming.stream().filter(s -> s.closed.isDone()).count() >= onFirst);
        List<TestSocket> drained = streaming.stream().filter(s -> s.closed.isDone()).toList();
        List<TestSocket> kept = streaming.stream().filter(s -> !s.closed.isDone()).toList();
        assertThat(drained).allSatisfy(s -> assertThat(s.awaitClose().code()).isEqualTo(1001));
        assertThat(kept).hasSize(onSecond);
        for (TestSocket socket : kept) {
            socket.roundTrip("hi");
        }

        // While the first gateway still answers upgrades with 503, new sockets through nginx all open, on the second.
        assertThat(first.isAlive()).as("the first gateway still in its shutdown delay").isTrue();
        List<TestSocket> whileDraining = roundTrips(SOCKETS / 2, clients);
        assertThat(first.isAlive()).as("the first gateway still in its shutdown delay").isTrue();
        assertThat(connections(second)).isEqualTo(onSecond + SOCKETS / 2);
        double refused = Prometheus.sum(first.uri(), "gateway_upgrades_refused_total", "status=\"503\"");

        assertThat(first.exitsWithin(SHUTDOWN_DELAY.plusSeconds(30))).isTrue();
        List<TestSocket> afterExit = roundTrips(SOCKETS / 2, clients);
        assertThat(connections(second)).isEqualTo(onSecond + SOCKETS);

        kept.forEach(TestSocket::closeNormally);
        whileDraining.forEach(TestSocket::closeNormally);
        afterExit.forEach(TestSocket::closeNormally);
        await().atMost(Duration.ofSeconds(20)).until(() -> connections(second) == 0);
        // Each socket's access-log line is written when it closes: which gateways nginx tried for its upgrade.
        List<String> upgrades = await().atMost(Duration.ofSeconds(20)).until(() -> upgradesOf(clients), lines -> lines.size() == clients.size());
        // Every one of them opened (101 to the client), whatever nginx met first.
        assertThat(upgrades).allSatisfy(line -> assertThat(line).contains("HTTP/1.1\" 101 ")
                .containsPattern("upstream_status=(\\d{3}, )*101 "));
        List<String> retried = upgrades.stream().filter(line -> line.contains("upstream_status=503, 101")).toList();
        List<String> refusedThenRetried = upgrades.stream().filter(line -> line.matches(".*upstream_status=(502|504), 101 .*")).toList();
        System.out.printf("[nginx-front] SIGTERM with %d sockets on the first gateway and %d on the second: %d got their 11 frames then 1001,"
                + " %d stayed open and kept working; %d new sockets while it drained and %d after it exited all opened on the second;"
                + " the first refused %.0f upgrade(s) with 503; nginx's log shows %d upgrade(s) retried after a 503 and %d after a"
                + " refused connection%n", onFirst, onSecond, drained.size(), kept.size(), SOCKETS / 2, SOCKETS / 2, refused, retried.size(),
                refusedThenRetried.size());
        retried.forEach(line -> System.out.println("[nginx-front]   " + line));
        refusedThenRetried.forEach(line -> System.out.println("[nginx-front]   " + line));
        assertThat(refused).isPositive();
        assertThat(retried).hasSize((int) refused);
    }

    private static String[] append(String[] options, String option) {
        String[] all = Arrays.copyOf(options, options.length + 1);
        all[options.length] = option;
        return all;
    }

    /** {@code count} new sockets through nginx, each after a round trip. */
    private static List<TestSocket> roundTrips(int count, List<String> clients) throws InterruptedException {
        List<TestSocket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            TestSocket socket = connect(clientId(clients));
            socket.roundTrip("hi");
            sockets.add(socket);
        }
        return sockets;
    }

    private static TestSocket connect(String client) {
        return TestSocket.connectWithHeaders(nginx.ws("/ws?client=" + client), Map.of("Origin", nginx.origin()));
    }

    private static String clientId() {
        return "ngx" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL);
    }

    /** A new client id, added to {@code clients}. */
    private static String clientId(List<String> clients) {
        String client = clientId();
        clients.add(client);
        return client;
    }

    private static double connections(ServiceProcess gateway) {
        return Prometheus.sample(gateway.uri(), "gateway_connections_active");
    }

    private static void awaitConnections(double onFirst, double onSecond) {
        await().atMost(Duration.ofSeconds(20)).until(() -> connections(first) == onFirst && connections(second) == onSecond);
    }

    /** The address a gateway logged for the socket that sent {@code ?client=<client>}. */
    private static String openedFrom(String client) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (String line : Files.readAllLines(first.log())) {
                Matcher opened = OPENED.matcher(line);
                if (line.endsWith(", client " + client) && opened.find()) {
                    return opened.group(1);
                }
            }
            return null;
        }, address -> address != null);
    }

    /** nginx's access-log lines of the upgrades of {@code clients}' sockets (written when a socket closes). */
    private static List<String> upgradesOf(List<String> clients) {
        Set<String> requests = clients.stream().map(client -> "\"GET /ws?client=" + client + " ").collect(Collectors.toSet());
        return nginx.accessLog().stream()
                .filter(line -> requests.stream().anyMatch(line::contains))
                .toList();
    }
}
