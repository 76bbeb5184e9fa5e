package io.grpcbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.grpcbridge.testing.Prometheus;
import io.grpcbridge.testing.TestSocket;

/**
 * chat-service's replicas found by DNS, with the gateway configured exactly as docker-compose.yml
 * and the generated Kubernetes Deployment configure it (their chat client and Stork variables; only
 * the DNS server is added): a DNS server on loopback answers the names those files look up with one
 * A record per replica, as compose's DNS and a headless Service do, and each replica listens on the
 * port the files name, on its own loopback address. Calls spread over every replica the name lists;
 * a replica added to the name gets calls within the refresh period; one taken out of it (a pod
 * leaving its Service's endpoints, before its SIGTERM) gets no new call and keeps its open ones.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicasByDnsIT {

    private static final String NAMESPACE = "chat-test";
    private static final int SOCKETS_PER_GATEWAY = 20;

    private static final LoopbackDns dns = new LoopbackDns();
    private static final List<ServiceProcess> replicas = new ArrayList<>();
    private static final Map<ServiceProcess, String> gateways = new HashMap<>();
    private static final List<TestSocket> sockets = new ArrayList<>();
    private static int port;

    @BeforeAll
    static void start() {
        Map<String, String> compose = discoveryVariables(ComposeService.of("ws-gateway", "docker-compose.yml").environment());
        Map<String, String> kubernetes = discoveryVariables(
                KubernetesManifest.of("ws-gateway").environment("ws-gateway", Map.of("metadata.namespace", NAMESPACE)));
        port = Integer.parseInt(compose.get("QUARKUS_STORK_CHAT_SERVICE_DISCOVERY_PORT"));
        assertThat(kubernetes.get("QUARKUS_STORK_CHAT_SERVICE_DISCOVERY_PORT")).isEqualTo(String.valueOf(port));

        replicas.add(ServiceProcess.chatServiceAt("127.0.0.2", port).start());
        replicas.add(ServiceProcess.chatServiceAt("127.0.0.3", port).start());
        for (Map<String, String> variables : List.of(compose, kubernetes)) {
            String name = variables.get("QUARKUS_STORK_CHAT_SERVICE_DISCOVERY_HOSTNAME");
            ServiceProcess gateway = ServiceProcess.gatewayConfiguredByEnvironment()
                    .withEnvironment(variables)
                    .withEnvironment(Map.of("QUARKUS_STORK_CHAT_SERVICE_DISCOVERY_DNS_SERVERS", dns.address(),
                            // Seconds of start-up that this test does not need (WarmUpIT runs the warm-up).
                            "GATEWAY_WARM_UP_ENABLED", "false"));
            gateways.put(gateway, name);
            dns.answer(name, addresses(replicas));
            gateway.start();
        }
        System.out.printf("replicas by DNS: names %s, port %d%n", gateways.values(), port);
        gateways.keySet().forEach(ServiceProcess::awaitReady);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        sockets.forEach(TestSocket::abort);
        for (ServiceProcess process : Stream.concat(gateways.keySet().stream(), replicas.stream()).toList()) {
            process.stop();
        }
        dns.close();
    }

    @Test
    @Order(1)
    void callsSpreadOverEveryReplicaTheNameLists() throws Exception {
        for (ServiceProcess gateway : gateways.keySet()) {
            for (int i = 0; i < SOCKETS_PER_GATEWAY; i++) {
                sockets.add(roundTrip(gateway, "spread " + i));
            }
        }
        List<Double> calls = callsPerReplica();
        System.out.printf("replicas by DNS: %d sockets, calls per replica %s%n", sockets.size(), calls);

        assertThat(calls).allSatisfy(count -> assertThat(count).isPositive());
        assertThat(calls.stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(sockets.size());
    }

    @Test
    @Order(2)
    void aReplicaAddedToTheNameGetsCallsWithinTheRefreshPeriod() throws Exception {
        ServiceProcess added = ServiceProcess.chatServiceAt("127.0.0.4", port).start();
        replicas.add(added);
        gateways.values().forEach(name -> dns.answer(name, addresses(replicas)));
        long addedAt = System.nanoTime();

        // One gateway at a time, so that the new replica's calls come from the gateway being checked.
        for (ServiceProcess gateway : gateways.keySet()) {
            double before = Prometheus.sample(added.uri(), "chat_streams_active");
            await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(500)).until(() -> {
                sockets.add(roundTrip(gateway, "after the addition"));
                return Prometheus.sample(added.uri(), "chat_streams_active") > before;
            });
            System.out.printf("replicas by DNS: a replica added to %s had a call from its gateway %d ms after%n",
                    gateways.get(gateway), (System.nanoTime() - addedAt) / 1_000_000);
        }
    }

    @Test
    @Order(3)
    void aReplicaTakenOutOfTheNameGetsNoNewCallsAndKeepsItsOpenOnes() throws Exception {
        ServiceProcess leaving = replicas.get(0);
        List<ServiceProcess> staying = replicas.subList(1, replicas.size());
        gateways.values().forEach(name -> dns.answer(name, addresses(staying)));
        long removedAt = System.nanoTime();

        // Until a round of new sockets through both gateways, enough for every replica on each of a
        // gateway's channels (one per event loop), sends it no request (a monotonic count: each
        // round trip is one response).
        await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(500)).until(() -> {
            double before = responsesSent(leaving);
            List<TestSocket> round = new ArrayList<>();
            for (ServiceProcess gateway : gateways.keySet()) {
                for (int i = 0; i < 4 * replicas.size(); i++) {
                    round.add(roundTrip(gateway, "after the removal"));
                }
            }
            round.forEach(TestSocket::abort);
            return responsesSent(leaving) == before;
        });
        long settledMillis = (System.nanoTime() - removedAt) / 1_000_000;
        double open = Prometheus.sample(leaving.uri(), "chat_streams_active");
        double settled = responsesSent(leaving);
        for (ServiceProcess gateway : gateways.keySet()) {
            for (int i = 0; i < SOCKETS_PER_GATEWAY; i++) {
                sockets.add(roundTrip(gateway, "settled " + i));
            }
        }
        assertThat(responsesSent(leaving)).isEqualTo(settled);

        for (TestSocket socket : sockets) {
            socket.roundTrip("still here");
        }
        assertThat(responsesSent(leaving)).isEqualTo(settled + open);
        System.out.printf("replicas by DNS: the replica taken out of the name got no new call from %d ms after on; it got"
                + " none of %d more new sockets, and its %.0f open calls went on%n", settledMillis,
                2 * SOCKETS_PER_GATEWAY, open);
    }

    private static double responsesSent(ServiceProcess replica) {
        return Prometheus.sample(replica.uri(), "chat_responses_sent_total");
    }

    /** The gateway's chat client and Stork variables, which are what the test gives its processes. */
    private static Map<String, String> discoveryVariables(Map<String, String> environment) {
        Map<String, String> variables = new HashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith("QUARKUS_GRPC_CLIENTS_CHAT_") || name.startsWith("QUARKUS_STORK_CHAT_")) {
                variables.put(name, value);
            }
        });
        assertThat(variables).containsEntry("QUARKUS_GRPC_CLIENTS_CHAT_NAME_RESOLVER", "stork")
                .containsEntry("QUARKUS_STORK_CHAT_SERVICE_DISCOVERY_TYPE", "dns");
        return variables;
    }

    private static List<InetAddress> addresses(List<ServiceProcess> processes) {
        return processes.stream().map(process -> {
            try {
                return InetAddress.getByName(process.uri().getHost());
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    private static List<Double> callsPerReplica() {
        return replicas.stream().map(replica -> Prometheus.sample(replica.uri(), "chat_streams_active")).toList();
    }

    private static TestSocket roundTrip(ServiceProcess gateway, String text) throws InterruptedException {
        return TestSocket.connect(gateway.ws()).roundTrip(text);
    }
}
