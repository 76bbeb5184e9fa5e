package io.grpcbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a JavaScript package's tests (node's test runner) in its directory under {@code clients/},
 * against running services given by environment variables, and asserts that they all passed.
 * Node's output is printed, so a failure shows which test and why.
 */
final class NodeTests {

    private NodeTests() {
    }

    /** Runs {@code command} in {@code clients/<name>}, first installing its dependencies if it has some and they are not there. */
    static void pass(String name, Map<String, String> environment, String... command) throws IOException, InterruptedException {
        Path directory = Path.of(System.getProperty("project.root", ".."), "clients", name);
        if (Files.exists(directory.resolve("package-lock.json")) && !Files.isDirectory(directory.resolve("node_modules"))) {
            run(directory, Map.of(), List.of("npm", "ci", "--no-audit", "--no-fund"));
        }
        String output = run(directory, environment, List.of(command));
        assertThat(output).containsPattern("# pass [1-9]").contains("# fail 0");
    }

    private static String run(Path directory, Map<String, String> environment, List<String> command)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        System.out.println(output);
        assertThat(process.exitValue()).as("%s exit status; its output:%n%s", String.join(" ", command), output).isZero();
        return output;
    }
}
