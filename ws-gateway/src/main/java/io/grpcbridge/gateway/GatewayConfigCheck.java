package io.grpcbridge.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.StartupEvent;

/**
 * Refuses to start with bounds that contradict each other, naming each contradiction, rather than
 * fail later on a client: a protocol limit at or above the hard ceiling (1009 would become a dropped
 * connection), a peer timeout a live client cannot meet, a frame too big for its own echo.
 */
@Singleton
public class GatewayConfigCheck {

    private final GatewayConfig config;
    private final OptionalInt ceiling;
    private final Optional<Duration> pingInterval;

    GatewayConfigCheck(GatewayConfig config,
            @ConfigProperty(name = "quarkus.websockets-next.server.max-message-size") OptionalInt ceiling,
            @ConfigProperty(name = "quarkus.websockets-next.server.auto-ping-interval") Optional<Duration> pingInterval) {
        this.config = config;
        this.ceiling = ceiling;
        this.pingInterval = pingInterval;
    }

    void check(@Observes StartupEvent startup) {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new IllegalStateException("gateway configuration: " + String.join("; ", problems));
        }
    }

    List<String> problems() {
        List<String> problems = new ArrayList<>();
        GatewayConfig.Socket socket = config.socket();
        int hardCeiling = ceiling.orElse(io.vertx.core.http.HttpServerOptions.DEFAULT_MAX_WEBSOCKET_MESSAGE_SIZE);
        if (socket.maxFrameBytes() >= hardCeiling) {
            problems.add("gateway.socket.max-frame-bytes (" + socket.maxFrameBytes()
                    + ") must be below quarkus.websockets-next.server.max-message-size (" + hardCeiling + ")");
        }
        if (pingInterval.isEmpty()) {
            problems.add("quarkus.websockets-next.server.auto-ping-interval must be set: a live idle client proves itself by answering pings");
        } else if (socket.peerTimeout().compareTo(pingInterval.get().multipliedBy(2)) < 0) {
            problems.add("gateway.socket.peer-timeout (" + socket.peerTimeout()
                    + ") must be at least twice quarkus.websockets-next.server.auto-ping-interval (" + pingInterval.get() + ")");
        }
        if (socket.maxUnwrittenBytes() <= socket.sendWindowBytes()) {
            problems.add("gateway.socket.max-unwritten-bytes must be larger than gateway.socket.send-window-bytes");
        }
        if (socket.maxUnwrittenBytes() < socket.maxFrameBytes() + 1024) {
            problems.add("gateway.socket.max-unwritten-bytes must hold the echo of the largest frame (max-frame-bytes + 1 KiB)");
        }
        if (socket.maxPendingInputBytes() < socket.maxFrameBytes()) {
            problems.add("gateway.socket.max-pending-input-bytes must hold the largest input (max-frame-bytes)");
        }
        long oneSocket = (long) socket.maxUnwrittenBytes() + socket.maxPendingInputBytes();
        if (config.memory().budgetBytes() < 4 * oneSocket) {
            problems.add("gateway.memory.budget-bytes must hold at least four sockets at their bounds ("
                    + 4 * oneSocket + " bytes)");
        }
        return problems;
    }
}
