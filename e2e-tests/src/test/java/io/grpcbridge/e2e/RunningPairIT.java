package io.grpcbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.grpcbridge.testing.Prometheus;
import io.grpcbridge.testing.TestSocket;

/**
 * The packaged chat-service and ws-gateway as two processes, driven through sockets as a browser
 * would; what an operator reads of them (their start-up logs, their meters' HELP lines) included.
 */
class RunningPairIT {

    @RegisterExtension
    static final Pair pair = Pair.perClass();
    /** A log line at WARN or ERROR, as Quarkus's console format writes the level. */
    private static final Pattern WARNING_OR_ERROR = Pattern.compile("^\\S+ \\S+ (WARN|ERROR) ");

    @Test
    void theSeedsThreeCommandsWorkThroughTheGateway() throws Exception {
        TestSocket socket = TestSocket.connect(pair.gateway().ws())
                .send("{\"input\":\"hello\"}", "{\"input\":\"返回数据流\"}", "{\"input\":\"结束对话\"}");

        List<String> expected = new ArrayList<>(List.of("{\"input\":\"hello\"}", "{\"output\":\"服务端返回: hello\"}",
                "{\"input\":\"返回数据流\"}"));
        IntStream.range(0, 10).forEach(i -> expected.add("{\"output\":\"数据流 #" + i + "\"}"));
        expected.addAll(List.of("{\"input\":\"结束对话\"}", "{\"output\":\"收到结束指令\"}"));
        List<String> frames = socket.next(expected.size());
        assertThat(frames.stream().filter(f -> f.startsWith("{\"output\"")))
                .containsExactlyElementsOf(expected.stream().filter(f -> f.startsWith("{\"output\"")).toList());
        assertThat(frames.stream().filter(f -> f.startsWith("{\"input\"")))
                .containsExactlyElementsOf(expected.stream().filter(f -> f.startsWith("{\"input\"")).toList());
        assertThat(socket.awaitClose().code()).isEqualTo(1000);
    }

    @Test
    void neitherServiceLogsAWarningOrAnErrorAtStartOrDuringARoundTrip() throws Exception {
        TestSocket.connect(pair.gateway().ws()).roundTrip("quiet");
        TestSocket.connect(pair.gateway().ws().resolve("/ws/chat.Chat/BidStream")).send("{\"message\":{\"input\":\"quiet\"}}")
                .next(2);

        for (ServiceProcess service : List.of(pair.chat(), pair.gateway())) {
            assertThat(service.ownLog().lines().filter(line -> WARNING_OR_ERROR.matcher(line).find()))
                    .as("warnings and errors of %s", service.log()).isEmpty();
        }
    }

    @Test
    void everyMeterOfBothServicesHasAHelpLine() {
        for (ServiceProcess service : List.of(pair.chat(), pair.gateway())) {
            String scrape = Prometheus.scrape(service.uri());
            Map<String, String> help = new HashMap<>();
            scrape.lines().filter(line -> line.startsWith("# HELP ")).forEach(line -> {
                String[] parts = line.substring("# HELP ".length()).split(" ", 2);
                help.put(parts[0], parts.length > 1 ? parts[1].trim() : "");
            });
            List<String> families = scrape.lines().filter(line -> line.startsWith("gateway_") || line.startsWith("chat_"))
                    .map(line -> line.split("[ {]", 2)[0].replaceAll("_(bucket|count|sum|max|total|created)$", "")).distinct().toList();
            assertThat(families).as("the service's own meters").isNotEmpty();
            for (String family : families) {
                assertThat(help.get(family)).as("HELP of %s", family).isNotBlank();
            }
        }
    }

    @Test
    void abruptDisconnectsReturnTheGaugesOfBothServicesToTheirBaseline() throws Exception {
        double connections = Prometheus.sample(pair.gateway().uri(), "gateway_connections_active");
        double streams = Prometheus.sample(pair.gateway().uri(), "gateway_streams_active");
        double serviceStreams = Prometheus.sample(pair.chat().uri(), "chat_streams_active");

        for (int i = 0; i < 50; i++) {
            TestSocket socket = TestSocket.connect(pair.gateway().ws()).send("{\"input\":\"返回数据流\"}");
            socket.next(2);
            socket.abort();
        }

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(Prometheus.sample(pair.gateway().uri(), "gateway_connections_active")).isEqualTo(connections);
            assertThat(Prometheus.sample(pair.gateway().uri(), "gateway_streams_active")).isEqualTo(streams);
            assertThat(Prometheus.sample(pair.chat().uri(), "chat_streams_active")).isEqualTo(serviceStreams);
        });
    }
}
