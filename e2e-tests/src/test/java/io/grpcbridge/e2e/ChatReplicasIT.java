package io.grpcbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.grpcbridge.testing.Prometheus;
import io.grpcbridge.testing.TestSocket;

/**
 * Two chat-service replicas behind one gateway, found through a Stork static list
 * ({@code quarkus.grpc.clients.chat.name-resolver=stork}): calls spread over both; a replica killed
 * with SIGKILL fails only its own sockets (an error frame, then 1013), the others go on and every new
 * socket lands on the survivor; restarted, it gets new calls again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChatReplicasIT {

    private static final int SOCKETS = 100;
    private static ServiceProcess first;
    private static ServiceProcess second;
    private static ServiceProcess gateway;
    private static final List<TestSocket> sockets = new ArrayList<>();

    @BeforeAll
    static void start() {
        first = ServiceProcess.chatService().start();
        second = ServiceProcess.chatService().start();
        gateway = ServiceProcess.gateway(first,
                "-Dquarkus.grpc.clients.chat.name-resolver=stork",
                "-Dquarkus.grpc.clients.chat.host=chat",
                "-Dquarkus.stork.chat.service-discovery.type=static",
                "-Dquarkus.stork.chat.service-discovery.address-list=127.0.0.1:" + first.port() + ",127.0.0.1:" + second.port())
                .start();
        gateway.awaitReady();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        sockets.forEach(TestSocket::abort);
        for (ServiceProcess process : new ServiceProcess[] { gateway, first, second }) {
            if (process != null) {
                process.stop();
            }
        }
    }

    @Test
    @Order(1)
    void callsSpreadOverBothReplicas() throws Exception {
        for (int i = 0; i < SOCKETS; i++) {
            sockets.add(roundTrip("spread " + i));
        }
        double onFirst = Prometheus.sample(first.uri(), "chat_streams_active");
        double onSecond = Prometheus.sample(second.uri(), "chat_streams_active");
        System.out.printf("replicas: %d sockets, %.0f calls on the first replica, %.0f on the second%n", SOCKETS, onFirst,
                onSecond);

        assertThat(onFirst).isPositive();
        assertThat(onSecond).isPositive();
        assertThat(onFirst + onSecond).isEqualTo(SOCKETS);
    }

    @Test
    @Order(2)
    void aKilledReplicaFailsOnlyItsOwnSocketsAndNewOnesLandOnTheSurvivor() throws Exception {
        double onSecond = Prometheus.sample(second.uri(), "chat_streams_active");
        first.kill();

        List<TestSocket> failed = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> sockets.stream().filter(socket -> socket.closed.isDone()).count()
                == SOCKETS - (long) onSecond);
        for (TestSocket socket : sockets) {
            if (socket.closed.isDone()) {
                failed.add(socket);
                assertThat(socket.next()).contains("\"code\":\"UNAVAILABLE\"");
                assertThat(socket.awaitClose().code()).isEqualTo(1013);
            } else {
                socket.roundTrip("still here");
            }
        }
        sockets.removeAll(failed);
        System.out.printf("replicas: SIGKILL of the first failed its %d sockets (1013); %d on the second went on%n",
                failed.size(), sockets.size());

        for (int i = 0; i < 20; i++) {
            sockets.add(roundTrip("after the kill " + i));
        }
        assertThat(Prometheus.sample(second.uri(), "chat_streams_active")).isEqualTo(sockets.size());
    }

    @Test
    @Order(3)
    void aRestartedReplicaGetsNewCallsAgain() throws Exception {
        first.start();
        long restartedAt = System.nanoTime();

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            sockets.add(roundTrip("after the restart"));
            return Prometheus.sample(first.uri(), "chat_streams_active") > 0;
        });
        System.out.printf("replicas: the restarted replica had a call again %d ms after it was ready%n",
                (System.nanoTime() - restartedAt) / 1_000_000);
    }

    private static TestSocket roundTrip(String text) throws InterruptedException {
        return TestSocket.connect(gateway.ws()).roundTrip(text);
    }
}
