package io.grpcbridge.testing;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpcbridge.showcase.ShowcaseGrpc;

/**
 * A real grpc-java server (Netty, plaintext) serving {@link ShowcaseService}, {@code grpc.health.v1}
 * health and, as chosen, server reflection. Tests start it with {@link #builder()}; e2e tests and
 * the docs run it as a process:
 * {@code java -cp <test-support jar and its dependencies> io.grpcbridge.testing.ShowcaseServer 50051}.
 */
public final class ShowcaseServer implements AutoCloseable {

    /** Which server reflection services it serves: a bridge should fall back from v1 to v1alpha. */
    public enum Reflection {
        NONE, V1, V1ALPHA, BOTH,
        /** v1alpha only, and the well-known types' files not served, as older (Go) servers answer. */
        V1ALPHA_WITHOUT_WELL_KNOWN_FILES
    }

    /** How long {@link #close()} lets calls in progress finish before it cancels them. */
    private static final long GRACE_SECONDS = 2;

    private final Server server;
    private final ShowcaseService service;
    private final HealthStatusManager health;
    private final ScheduledExecutorService scheduler;
    private final AtomicInteger reflectionCalls;

    private ShowcaseServer(Server server, ShowcaseService service, HealthStatusManager health,
            ScheduledExecutorService scheduler, AtomicInteger reflectionCalls) {
        this.server = server;
        this.service = service;
        this.health = health;
        this.scheduler = scheduler;
        this.reflectionCalls = reflectionCalls;
    }

    /** A server on a free port with both reflection services, until told otherwise. */
    public static Builder builder() {
        return new Builder();
    }

    /** The port it listens on: the one asked for, or the free one it was given for port 0. */
    public int port() {
        return server.getPort();
    }

    /** The gRPC target to reach it at from this machine. */
    public String target() {
        return "localhost:" + port();
    }

    /** The service it serves, for its counters and the slow-consumer delay. */
    public ShowcaseService service() {
        return service;
    }

    /** Calls its server reflection services (either version) have had: how often a client asked for its descriptors. */
    public int reflectionCalls() {
        return reflectionCalls.get();
    }

    /** Its health service's statuses: the overall one ("") and showcase.Showcase's are SERVING. */
    public HealthStatusManager health() {
        return health;
    }

    /**
     * Stops accepting calls, lets those in progress finish for up to {@value #GRACE_SECONDS}
     * seconds, cancels the rest and waits until the server has terminated.
     */
    @Override
    public void close() {
        health.enterTerminalState();
        server.shutdown();
        try {
            if (!server.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS)) {
                server.shutdownNow().awaitTermination();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            scheduler.shutdownNow();
        }
    }

    /**
     * Serves on the port {@code args[0]} (50051 without it) with both reflection services, prints
     * {@code showcase listening on <port>} once it accepts calls, and runs until the process is
     * stopped (on SIGTERM it closes first).
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        ShowcaseServer showcase = builder().port(args.length > 0 ? Integer.parseInt(args[0]) : 50051).start();
        Runtime.getRuntime().addShutdownHook(new Thread(showcase::close, "showcase-shutdown"));
        System.out.println("showcase listening on " + showcase.port());
        System.out.flush();
        showcase.server.awaitTermination();
    }

    /** Chooses the port and the reflection services, then starts the server. */
    public static final class Builder {

        private int port;
        private Reflection reflection = Reflection.BOTH;

        private Builder() {
        }

        /** The port to listen on, on every interface; 0 (the default) for a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder reflection(Reflection reflection) {
            this.reflection = reflection;
            return this;
        }

        /** Starts the server; it accepts calls when this returns. */
        @SuppressWarnings("deprecation") // ProtoReflectionService is v1alpha, which is the point.
        public ShowcaseServer start() throws IOException {
            ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "showcase-delays");
                thread.setDaemon(true);
                return thread;
            });
            ShowcaseService service = new ShowcaseService(scheduler);
            HealthStatusManager health = new HealthStatusManager();
            health.setStatus(ShowcaseGrpc.SERVICE_NAME, ServingStatus.SERVING);

            AtomicInteger reflectionCalls = new AtomicInteger();
            ServerInterceptor counted = new ServerInterceptor() {
                @Override
                public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                        ServerCallHandler<Q, R> next) {
                    reflectionCalls.incrementAndGet();
                    return next.startCall(call, headers);
                }
            };
            NettyServerBuilder server = NettyServerBuilder.forPort(port)
                    .addService(service)
                    .addService(health.getHealthService());
            if (reflection == Reflection.V1 || reflection == Reflection.BOTH) {
                server.addService(ServerInterceptors.intercept(ProtoReflectionServiceV1.newInstance(), counted));
            }
            if (reflection == Reflection.V1ALPHA || reflection == Reflection.BOTH) {
                server.addService(ServerInterceptors.intercept(ProtoReflectionService.newInstance(), counted));
            }
            if (reflection == Reflection.V1ALPHA_WITHOUT_WELL_KNOWN_FILES) {
                server.addService(ServerInterceptors.intercept(ProtoReflectionService.newInstance(), new WithoutWellKnownFiles(),
                        counted));
            }
            try {
                return new ShowcaseServer(server.build().start(), service, health, scheduler, reflectionCalls);
            } catch (IOException | RuntimeException e) {
                scheduler.shutdownNow();
                throw e;
            }
        }
    }
}
