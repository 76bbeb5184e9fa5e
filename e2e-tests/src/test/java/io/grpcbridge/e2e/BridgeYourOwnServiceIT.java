package io.grpcbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.grpcbridge.testing.RawWebSocket;
import io.grpcbridge.testing.TestSocket;

/**
 * The README's "Bridge your own gRPC service" example, as a reader runs it: the environment
 * variables of its command (chat-service's port swapped for the test's), then its conversation on
 * the bridged method. The gateway bridges what the command names and nothing else: it is ready
 * without a chat backend, and the chat's URL is unknown to it. Fails when the README and the
 * gateway part ways.
 */
class BridgeYourOwnServiceIT {

    private static final Pattern VARIABLE = Pattern.compile("\\b([A-Z][A-Z0-9_]+)=(\\S+)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final Pair pair = Pair.perClass();

    @Test
    void theReadmesCommandBridgesChatServicesHealthWatch() throws Exception {
        Map<String, String> environment = readmeCommandVariables();
        assertThat(environment).containsEntry("QUARKUS_GRPC_CLIENTS_HEALTH_PORT", "3000");
        environment.put("QUARKUS_GRPC_CLIENTS_HEALTH_PORT", String.valueOf(pair.chat().port()));
        ServiceProcess gateway = ServiceProcess.gateway(pair.chat()).withEnvironment(environment).start();
        try {
            gateway.awaitReady(); // its one backend reachable and described
            TestSocket socket = TestSocket.connect(gateway.ws().resolve("/ws/grpc.health.v1.Health/Watch"));
            socket.send("{\"message\":{\"service\":\"\"}}");

            assertThat(socket.next(2)).containsExactly("{\"headers\":{}}", "{\"message\":{\"status\":\"SERVING\"}}");
            HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(gateway.uri().resolve("/q/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("\"health\": \"UP\"").doesNotContain("\"chat\"");
            assertThat(RawWebSocket.handshakeStatus(gateway.ws(), gateway.ws().getHost() + ":" + gateway.ws().getPort(), Map.of()))
                    .as("the chat is not bridged").isEqualTo(404);
        } finally {
            gateway.stop();
        }
    }

    /** The variables set on the command in the README's section, in order. */
    private static Map<String, String> readmeCommandVariables() throws IOException {
        String readme = Files.readString(Path.of(System.getProperty("project.root", ".."), "README.md"));
        String section = readme.substring(readme.indexOf("## Bridge your own gRPC service"));
        String command = section.substring(section.indexOf("```bash"), section.indexOf("```", section.indexOf("```bash") + 3));
        Map<String, String> variables = new LinkedHashMap<>();
        Matcher variable = VARIABLE.matcher(command);
        while (variable.find()) {
            variables.put(variable.group(1), variable.group(2));
        }
        return variables;
    }
}
