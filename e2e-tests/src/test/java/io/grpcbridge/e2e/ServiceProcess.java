package io.grpcbridge.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One packaged service ({@code <module>/target/quarkus-app/quarkus-run.jar}) run as its own JVM
 * process on a free loopback port, its output in {@code target/e2e-logs/<name>.log}.
 */
final class ServiceProcess {

    private static final String NO_CHAT_WARM_UP = "-Dchat.warm-up.enabled=false";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String module;
    private final String host;
    private final int port;
    private final List<String> jvmOptions;
    private final Map<String, String> environment = new HashMap<>();
    private Process process;
    /** Where this process's lines begin in its module's log file. */
    private long logStart;

    private ServiceProcess(String module, List<String> jvmOptions) {
        this(module, "127.0.0.1", freePort(), jvmOptions);
    }

    private ServiceProcess(String module, String host, int port, List<String> jvmOptions) {
        this.module = module;
        this.host = host;
        this.port = port;
        this.jvmOptions = jvmOptions;
    }

    /** Adds environment variables to the process's (before {@link #start()}), as an operator sets them. */
    ServiceProcess withEnvironment(Map<String, String> variables) {
        environment.putAll(variables);
        return this;
    }

    int port() {
        return port;
    }

    /**
     * A chat-service. It skips its warm-up (10,000 calls to itself, seconds of start-up that no test
     * here times); WarmUpIT runs it, and {@code -Dchat.warm-up.enabled=true} turns it back on.
     */
    static ServiceProcess chatService(String... jvmOptions) {
        List<String> options = new ArrayList<>(List.of(NO_CHAT_WARM_UP));
        options.addAll(List.of(jvmOptions));
        return new ServiceProcess("chat-service", options);
    }

    /** A chat-service listening on {@code host:port} (another loopback address, such as 127.0.0.2). */
    static ServiceProcess chatServiceAt(String host, int port) {
        return new ServiceProcess("chat-service", host, port, List.of(NO_CHAT_WARM_UP));
    }

    /** A gateway that finds its backends through its environment alone, as in a container. */
    static ServiceProcess gatewayConfiguredByEnvironment() {
        return new ServiceProcess("ws-gateway", List.of());
    }

    static ServiceProcess gateway(ServiceProcess chat, String... extraJvmOptions) {
        return gateway(chat.port, extraJvmOptions);
    }

    /**
     * A gateway whose {@code chat} client dials {@code chatPort} on loopback. It skips the warm-up
     * (10,000 sockets, seconds of start-up that no test here times); WarmUpIT runs it, and
     * {@code -Dgateway.warm-up.enabled=true} among {@code extraJvmOptions} turns it back on.
     */
    static ServiceProcess gateway(int chatPort, String... extraJvmOptions) {
        List<String> options = new ArrayList<>(List.of(
                "-Dgateway.warm-up.enabled=false",
                "-Dquarkus.grpc.clients.chat.host=127.0.0.1",
                "-Dquarkus.grpc.clients.chat.port=" + chatPort));
        options.addAll(List.of(extraJvmOptions));
        return new ServiceProcess("ws-gateway", options);
    }

    /** Starts the process and returns once it is live ({@code /q/health/live} answers UP); see {@link #awaitReady()}. */
    ServiceProcess start() {
        Path jar = Path.of(System.getProperty("project.root", ".."), module, "target", "quarkus-app", "quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run ./mvnw verify from the project root");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:+UseSerialGC"); // the collector of the README's packaged command and of the JVM images
        command.add("-Dquarkus.http.host=" + host);
        command.add("-Dquarkus.http.port=" + port);
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        try {
            Files.createDirectories(log().getParent());
            logStart = Files.exists(log()) ? Files.size(log()) : 0;
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            process = builder
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> process.isAlive() && answers("/q/health/live"));
        return this;
    }

    /** Waits until the started process's readiness check answers UP (a gateway: its backends are reachable). */
    ServiceProcess awaitReady() {
        await().atMost(Duration.ofSeconds(30)).until(() -> answers("/q/health/ready"));
        return this;
    }

    /** SIGKILL: no shutdown hook, no goodbye, as a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, as an orchestrator stops a container; returns at once. */
    void terminate() {
        process.destroy();
    }

    /** Whether the process exited within {@code timeout}. */
    boolean exitsWithin(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** SIGTERM, then waits for the process to exit. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            terminate();
            if (!exitsWithin(Duration.ofSeconds(30))) {
                kill();
            }
        }
    }

    URI uri() {
        return URI.create("http://" + host + ":" + port + "/");
    }

    URI ws() {
        return URI.create("ws://" + host + ":" + port + "/ws");
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The process's resident set size now (VmRSS), in bytes. */
    long rssBytes() {
        try {
            return Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status")).stream()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")) * 1024)
                    .findFirst().orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean answers(String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(uri().resolve(path)).timeout(Duration.ofSeconds(2)).build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** What this process has logged so far (its module's log file holds every process's of the build). */
    String ownLog() {
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(log().toFile(), "r")) {
            byte[] bytes = new byte[(int) (file.length() - logStart)];
            file.seek(logStart);
            file.readFully(bytes);
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file this module's processes log to (shared by all of them in a build). */
    Path log() {
        return Path.of(System.getProperty("logs.dir", "target/e2e-logs")).resolve(module + ".log");
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
