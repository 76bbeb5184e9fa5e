package io.grpcbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.grpcbridge.testing.IdleClientProcess;
import io.grpcbridge.testing.Prometheus;
import io.grpcbridge.testing.TestSocket;

/**
 * A client that freezes (its process stopped: it reads nothing and answers no ping, while its kernel
 * still acknowledges every byte) is dropped after the peer timeout and its call ends; a live idle
 * client, which answers the pings, stays.
 */
class DeadPeerIT {

    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(4);

    @RegisterExtension
    static final Pair pair = Pair.perClass("-Dgateway.socket.peer-timeout=" + PEER_TIMEOUT.toSeconds() + "s",
            "-Dquarkus.websockets-next.server.auto-ping-interval=1s");

    @Test
    void aFrozenClientIsDroppedAfterThePeerTimeoutAndItsCallEndsWhileALiveIdleOneStays() throws Exception {
        double connections = Prometheus.sample(pair.gateway().uri(), "gateway_connections_active");
        double streams = Prometheus.sample(pair.gateway().uri(), "gateway_streams_active");
        double serviceStreams = Prometheus.sample(pair.chat().uri(), "chat_streams_active");
        double silent = Prometheus.sample(pair.gateway().uri(), "gateway_peers_silent_total");
        TestSocket live = TestSocket.connect(pair.gateway().ws());
        Process frozen = new ProcessBuilder(IdleClientProcess.command(pair.gateway().ws())).redirectErrorStream(true).start();
        try {
            assertThat(firstLine(frozen)).isEqualTo("ready");
            assertThat(Prometheus.sample(pair.gateway().uri(), "gateway_connections_active")).isEqualTo(connections + 2);

            signal("STOP", frozen);
            long stoppedAt = System.nanoTime();

            await().atMost(PEER_TIMEOUT.plusSeconds(10)).untilAsserted(() -> {
                assertThat(Prometheus.sample(pair.gateway().uri(), "gateway_connections_active")).isEqualTo(connections + 1);
                assertThat(Prometheus.sample(pair.gateway().uri(), "gateway_streams_active")).isEqualTo(streams + 1);
                assertThat(Prometheus.sample(pair.chat().uri(), "chat_streams_active")).isEqualTo(serviceStreams + 1);
            });
            long droppedAfterMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
            System.out.printf("dead peer: frozen client dropped %d ms after SIGSTOP (peer timeout %s)%n",
                    droppedAfterMillis, PEER_TIMEOUT);
            assertThat(Prometheus.sample(pair.gateway().uri(), "gateway_peers_silent_total")).isEqualTo(silent + 1);

            // The live client has been idle as long as the frozen one was silent: it is still served.
            assertThat(live.closed).isNotDone();
            live.send("{\"input\":\"still here\"}");
            assertThat(live.next(2)).containsExactly("{\"input\":\"still here\"}", "{\"output\":\"服务端返回: still here\"}");
        } finally {
            frozen.destroyForcibly();
            frozen.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String firstLine(Process process) throws Exception {
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        return CompletableFuture.supplyAsync(() -> {
            try {
                return output.readLine();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).get(30, TimeUnit.SECONDS);
    }

    private static void signal(String signal, Process process) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -%s", signal).isTrue();
    }
}
