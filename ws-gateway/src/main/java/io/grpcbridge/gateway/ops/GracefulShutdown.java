package io.grpcbridge.gateway.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.grpcbridge.gateway.admission.UpgradeGuard;
import io.grpcbridge.gateway.config.GatewayConfig;
import io.grpcbridge.gateway.socket.Session;
import io.grpcbridge.gateway.socket.SessionRegistry;
import io.grpcbridge.gateway.socket.StreamBridge;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.websockets.next.OpenConnections;
import io.quarkus.websockets.next.WebSocketConnection;

/**
 * On SIGTERM, before Vert.x closes every socket with a bare 1000: refuse new upgrades; on method
 * sockets, half-close every call, let the outputs already due reach their sockets, and close each
 * with 1001; sessions (attached to a socket or waiting for their client, so found in their
 * registry) open no more calls and close 1001 once their calls have ended. All within
 * {@code gateway.shutdown.drain-timeout}. Quarkus fires the event, and waits
 * for this observer, before it stops the HTTP server ({@code quarkus.shutdown.delay-enabled}).
 */
@ApplicationScoped
public class GracefulShutdown {

    private static final Logger LOG = Logger.getLogger(GracefulShutdown.class);

    private final OpenConnections connections;
    private final SessionRegistry sessions;
    private final UpgradeGuard upgrades;
    private final GatewayConfig.Shutdown config;

    GracefulShutdown(OpenConnections connections, SessionRegistry sessions, UpgradeGuard upgrades, GatewayConfig config) {
        this.connections = connections;
        this.sessions = sessions;
        this.upgrades = upgrades;
        this.config = config.shutdown();
    }

    void drainSockets(@Observes ShutdownDelayInitiatedEvent shutdown) throws InterruptedException {
        upgrades.startDraining();
        List<CompletableFuture<Void>> closed = new ArrayList<>();
        for (WebSocketConnection connection : connections) {
            StreamBridge bridge = connection.userData().get(StreamBridge.KEY);
            if (bridge != null) {
                closed.add(bridge.drain(config.drainTimeout()).toCompletableFuture());
            }
        }
        for (Session session : sessions.all()) {
            closed.add(session.drain(config.drainTimeout()).toCompletableFuture());
        }
        LOG.infof("shutting down: draining %d sockets and sessions", closed.size());
        try {
            // The bridges close themselves at the timeout; the extra second lets their close frames out.
            CompletableFuture.allOf(closed.toArray(CompletableFuture[]::new))
                    .get(config.drainTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("shutting down: %d of %d sockets not closed in time", closed.stream().filter(c -> !c.isDone()).count(),
                    closed.size());
        }
    }
}
