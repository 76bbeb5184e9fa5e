package io.grpcbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The browser client library's own tests ({@code clients/js/test}, node's test runner) against the
 * packaged gateway, bridging chat-service and the showcase service: the library is tested where it
 * runs, against the real thing. Node's output is printed, so a failure shows which test and why.
 */
class JsClientIT {

    @RegisterExtension
    static final Pair pair = Pair.perClassWithShowcase();

    @Test
    void theLibrarysTestsPassAgainstARealGateway() throws IOException, InterruptedException {
        Path library = Path.of(System.getProperty("project.root", ".."), "clients", "js");
        ProcessBuilder node = new ProcessBuilder("node", "--experimental-websocket", "--test", "test/")
                .directory(library.toFile())
                .redirectErrorStream(true);
        node.environment().put("GATEWAY_URL", pair.gateway().uri().toString().replaceAll("/$", ""));
        Process run = node.start();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(run.waitFor(5, TimeUnit.MINUTES)).isTrue();
        System.out.println(output);

        assertThat(run.exitValue()).as("node --test exit status; its output:%n%s", output).isZero();
        assertThat(output).containsPattern("# pass [1-9]").contains("# fail 0");
    }
}
