package io.grpcbridge.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Debian's nginx, run as a child process (its own master, {@code daemon off}) with the project's
 * {@code deploy/nginx/ws-gateway.conf} in its http context, on a free loopback port. Only the
 * file's upstream addresses, its {@code listen} line and its log directory are replaced; everything
 * nginx writes (pid, logs, temporary files) stays in a directory under {@code target/e2e-logs}.
 */
final class NginxProcess {

    /** The committed example, relative to the project root. */
    static final String CONFIG = "deploy/nginx/ws-gateway.conf";

    /** A gateway's address on an upstream's {@code server} line. */
    private static final Pattern UPSTREAM_SERVER = Pattern.compile("server[ \\t]+(\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+)");
    private static final Pattern LISTEN = Pattern.compile("(?m)^([ \\t]*)listen[ \\t]+80;");
    private static final String LOG_DIRECTORY = "/var/log/nginx/";

    private final Path binary = binary();
    private final int port = ServiceProcess.freePort();
    private final String proxyBind;
    private Path directory;
    private Process process;

    /**
     * nginx that connects to the gateways from {@code proxyBind} (a loopback address), as a separate
     * host would; fails at once when nginx is not installed.
     */
    NginxProcess(String proxyBind) {
        this.proxyBind = proxyBind;
    }

    int port() {
        return port;
    }

    /** The public origin: what a page served through this nginx sends as its {@code Origin}. */
    String origin() {
        return "http://127.0.0.1:" + port;
    }

    URI ws(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + port + pathAndQuery);
    }

    /** Starts nginx in front of the gateways on {@code gatewayPorts} (loopback) and waits until it accepts connections. */
    NginxProcess start(List<Integer> gatewayPorts) {
        Path root = Path.of(System.getProperty("project.root", ".."));
        try {
            Path logs = Path.of(System.getProperty("logs.dir", "target/e2e-logs"));
            Files.createDirectories(logs);
            directory = Files.createTempDirectory(logs.toAbsolutePath(), "nginx-");
            Files.createDirectories(directory.resolve("logs"));
            String site = site(Files.readString(root.resolve(CONFIG)), gatewayPorts);
            Files.writeString(directory.resolve("ws-gateway.conf"), site);
            Files.writeString(directory.resolve("nginx.conf"), main());
            process = new ProcessBuilder(binary.toString(), "-p", directory + "/", "-e", directory.resolve("logs/error.log").toString(),
                    "-c", directory.resolve("nginx.conf").toString(), "-g", "daemon off;")
                    .redirectErrorStream(true)
                    .redirectOutput(directory.resolve("logs/nginx.out").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited with " + process.exitValue() + ": " + output());
            }
            return accepts();
        });
        return this;
    }

    /** SIGTERM (nginx's fast shutdown), then waits for the master to exit. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    /** The access log of the committed config's server ({@code log_format ws_gateway}); a socket's line is written when it closes. */
    List<String> accessLog() {
        try {
            Path log = directory.resolve("logs/ws-gateway.access.log");
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path directory() {
        return directory;
    }

    /**
     * The committed file with the test's gateways, port and log directory: each gateway address it
     * names, in the order it first names them, becomes one of the test's gateways, in order;
     * fails if the file no longer has those lines, or names more gateways than the test runs.
     */
    private String site(String committed, List<Integer> gatewayPorts) {
        Matcher servers = UPSTREAM_SERVER.matcher(committed);
        List<String> addresses = new ArrayList<>();
        while (servers.find()) {
            if (!addresses.contains(servers.group(1))) {
                addresses.add(servers.group(1));
            }
        }
        if (addresses.isEmpty() || addresses.size() > gatewayPorts.size() || !LISTEN.matcher(committed).find()
                || !committed.contains(LOG_DIRECTORY)) {
            throw new IllegalStateException(CONFIG + " no longer has the lines this test replaces: at most " + gatewayPorts.size()
                    + " gateways' `server <ip>:<port>` lines, `listen 80;` and logs under " + LOG_DIRECTORY);
        }
        String site = UPSTREAM_SERVER.matcher(committed).replaceAll(server -> Matcher.quoteReplacement(
                "server 127.0.0.1:" + gatewayPorts.get(addresses.indexOf(server.group(1)))));
        return LISTEN.matcher(site).replaceFirst("$1listen 127.0.0.1:" + port + ";")
                .replace(LOG_DIRECTORY, directory.resolve("logs") + "/");
    }

    /** What nginx.conf around the site holds: nothing outside the directory, and the address nginx dials from. */
    private String main() {
        String dir = directory.toString();
        return """
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log info;
                events {
                    worker_connections 1024;
                }
                http {
                    access_log %1$s/logs/access.log;
                    client_body_temp_path %1$s/client_body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    # The gateways see nginx as %2$s and the test's clients as 127.0.0.1, as a
                    # proxy on its own host would be seen: a forwarded address is then told apart.
                    proxy_bind %2$s;
                    include %1$s/ws-gateway.conf;
                }
                """.formatted(dir, proxyBind);
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String output() throws IOException {
        return Files.readAllLines(directory.resolve("logs/nginx.out")).stream().collect(Collectors.joining("\n"))
                + "\n" + (Files.exists(directory.resolve("logs/error.log"))
                        ? Files.readString(directory.resolve("logs/error.log")) : "");
    }

    /** nginx on the PATH or in /usr/sbin; its absence fails the test: CI (.ci/run) installs it. */
    private static Path binary() {
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "nginx"));
            }
        }
        candidates.add(Path.of("/usr/sbin/nginx"));
        return candidates.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new IllegalStateException(
                "nginx is not installed: this test runs the real nginx in front of two gateways. Install it with "
                        + "`DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx` (.ci/run does; the system "
                        + "service need not run)"));
    }
}
