package io.grpcbridge.gateway.ops;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.management.JMException;
import javax.management.ObjectName;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import io.grpcbridge.gateway.admission.SocketPaths;
import io.grpcbridge.gateway.admission.WarmUpPass;
import io.grpcbridge.gateway.backend.BridgedMethod;
import io.grpcbridge.gateway.backend.MethodCatalog;
import io.grpcbridge.gateway.backend.WarmUpBackend;
import io.grpcbridge.gateway.config.GatewayConfig;
import io.quarkus.runtime.ImageMode;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;

/**
 * Warm before ready: a gateway that has just started runs its sockets' path in the interpreter, and
 * under a reconnect storm (every browser at once, after a deploy) its JIT compiler threads took half
 * of its CPU (docs/benchmarks.md, "A new socket's cost"). So, once started, it rehearses that path
 * against itself ({@link WarmUpRun}: its own port, an in-process backend, {@link WarmUpBackend}),
 * and reports ready only when that is done or {@code gateway.warm-up.timeout} has passed.
 */
@Readiness
@ApplicationScoped
public class WarmUp implements HealthCheck {

    enum State {
        /** Started, not warmed up yet. */
        RUNNING,
        /** Done, or off. */
        DONE
    }

    private static final Logger LOG = Logger.getLogger(WarmUp.class);
    private static final String V1_REQUEST = "{\"input\":\"warm-up\"}";
    private static final String METHOD_REQUEST = "{\"message\":{}}";

    private final GatewayConfig.WarmUp config;
    private final WarmUpBackend backend;
    private final WarmUpPass pass;
    private final MethodCatalog catalog;
    private final Vertx vertx;
    private final String host;
    private final int port;
    private volatile State state;

    WarmUp(GatewayConfig config, WarmUpBackend backend, WarmUpPass pass, MethodCatalog catalog, Vertx vertx,
            @ConfigProperty(name = "quarkus.http.host") String host, @ConfigProperty(name = "quarkus.http.port") int port) {
        this.config = config.warmUp();
        this.backend = backend;
        this.pass = pass;
        this.catalog = catalog;
        this.vertx = vertx;
        this.host = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        this.port = port;
        // A native image is compiled ahead of time: nothing to warm up.
        this.state = this.config.enabled() && !ImageMode.current().isNativeImage() ? State.RUNNING : State.DONE;
    }

    void onStart(@Observes StartupEvent start) {
        if (state == State.RUNNING) {
            Thread thread = new Thread(this::run, "gateway-warm-up");
            thread.setDaemon(true);
            thread.start();
        }
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("warm-up").status(state == State.DONE).build();
    }

    private void run() {
        long started = System.nanoTime();
        List<WarmUpRun.Target> targets = targetsOnceExposed();
        if (targets.isEmpty()) {
            LOG.infof("no warm-up: no method was exposed within %s (no backend answered)", config.timeout());
            state = State.DONE;
            return;
        }
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(config.concurrency()));
        try {
            pass.open();
            backend.start();
            WarmUpRun.Result result = new WarmUpRun(client, host, port, pass.secret(), targets, config.sockets(),
                    started + config.timeout().toNanos())
                    .run(config.concurrency())
                    .get(config.timeout().plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
            LOG.infof("warmed up in %d ms: %d sockets (%d failed) to %s, against an in-process backend",
                    Duration.ofNanos(System.nanoTime() - started).toMillis(), result.completed() + result.failed(),
                    result.failed(), targets.stream().map(WarmUpRun.Target::path).toList());
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warnf("warm-up cut short after %d ms: %s", Duration.ofNanos(System.nanoTime() - started).toMillis(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pass.close();
            client.close();
            try {
                backend.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            returnMemory();
            state = State.DONE;
        }
    }

    /**
     * Gives back what the rehearsal allocated and freed, before the gateway is ready: a full GC (the
     * collector may then shrink the heap) and the C allocator's free lists, where the JIT's
     * compilations left several MiB (the JVM's {@code System.trim_native_heap} command, JDK 17.0.9
     * and later; without it, nothing more is done).
     */
    private static void returnMemory() {
        System.gc();
        try {
            ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "systemTrimNativeHeap", new Object[] { null }, new String[] { String[].class.getName() });
        } catch (JMException | RuntimeException e) {
            LOG.debugf("native heap not trimmed: %s", e);
        }
    }

    /**
     * The targets once a backend has exposed its methods: services started together (compose, a
     * Kubernetes rollout) may have their backend answer a little after the gateway has started.
     * Empty if none did within the warm-up's timeout.
     */
    private List<WarmUpRun.Target> targetsOnceExposed() {
        try {
            catalog.firstMethod().toCompletableFuture().get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } catch (ExecutionException | TimeoutException e) {
            return List.of();
        }
        return targets();
    }

    /** {@code /ws} when its method is exposed, and every exposed method's socket. */
    private List<WarmUpRun.Target> targets() {
        List<WarmUpRun.Target> targets = new ArrayList<>();
        if (catalog.lookup(SocketPaths.V1_METHOD) instanceof MethodCatalog.Found) {
            targets.add(new WarmUpRun.Target(SocketPaths.V1, V1_REQUEST));
        }
        for (BridgedMethod method : catalog.methods()) {
            targets.add(new WarmUpRun.Target(SocketPaths.of(method.fullName()), METHOD_REQUEST));
        }
        return targets;
    }
}
