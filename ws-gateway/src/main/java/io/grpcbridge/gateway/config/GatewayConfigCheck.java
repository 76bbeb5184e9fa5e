package io.grpcbridge.gateway.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * Refuses to start with bounds that contradict each other, naming each contradiction, rather than
 * fail later on a client: a protocol limit at or above the hard ceiling (1009 would become a dropped
 * connection), a peer timeout a live client cannot meet, a frame too big for its own echo, an
 * inflater without a bound. A key of an earlier version that is set (in any source: an environment
 * variable such as {@code GATEWAY_CHAT_CONNECT_WAIT} would otherwise be ignored silently) is named
 * with what replaced it.
 */
@Singleton
public class GatewayConfigCheck {

    private static final Logger LOG = Logger.getLogger(GatewayConfigCheck.class);
    /** Keys of earlier versions, and what took their place. */
    static final Map<String, String> REPLACED_KEYS = Map.of(
            "gateway.chat.connect-wait", "gateway.calls.connect-wait",
            "gateway.chat.forward-headers", "gateway.calls.forward-headers",
            "gateway.upgrade.max-pending-connections",
            "quarkus.http.limits.max-connections (all TCP connections: the sockets and those not upgraded yet)",
            "gateway.socket.max-pending-inputs", "gateway.socket.input-window",
            "gateway.socket.max-pending-input-bytes", "gateway.socket.input-window-bytes");

    private final GatewayConfig config;
    private final OptionalInt ceiling;
    private final Optional<Duration> pingInterval;
    private final boolean websocketsNextCompression;
    private final OptionalInt connectionCap;
    private final Config sources;

    GatewayConfigCheck(GatewayConfig config, Config sources,
            @ConfigProperty(name = "quarkus.websockets-next.server.per-message-compression-supported") boolean websocketsNextCompression,
            @ConfigProperty(name = "quarkus.http.limits.max-connections") OptionalInt connectionCap,
            @ConfigProperty(name = "quarkus.websockets-next.server.max-message-size") OptionalInt ceiling,
            @ConfigProperty(name = "quarkus.websockets-next.server.auto-ping-interval") Optional<Duration> pingInterval) {
        this.config = config;
        this.ceiling = ceiling;
        this.pingInterval = pingInterval;
        this.websocketsNextCompression = websocketsNextCompression;
        this.connectionCap = connectionCap;
        this.sources = sources;
    }

    void check(@Observes StartupEvent startup) {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new IllegalStateException("gateway configuration: " + String.join("; ", problems));
        }
        LOG.infof("at most %d sockets and %s TCP connections; a memory budget of %d bytes", config.upgrade().maxConnections(),
                connectionCap.isPresent() ? String.valueOf(connectionCap.getAsInt()) : "unlimited", config.memory().budgetBytes());
    }

    List<String> problems() {
        List<String> problems = new ArrayList<>();
        REPLACED_KEYS.forEach((old, replacement) -> {
            if (sources.getConfigValue(old).getRawValue() != null) {
                problems.add(old + " is no longer read: set " + replacement);
            }
        });
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
        int sockets = config.upgrade().maxConnections();
        if (connectionCap.isEmpty() || connectionCap.getAsInt() <= sockets) {
            problems.add("quarkus.http.limits.max-connections (" + (connectionCap.isPresent() ? connectionCap.getAsInt() : "unset")
                    + ") must be above gateway.upgrade.max-connections (" + sockets + ") by the connections not yet upgraded "
                    + "(page loads, probes) you allow: e.g. " + (sockets + 256));
        }
        long sessionOvershoot = (long) config.session().maxUnacknowledgedBytes() + (long) GatewayConfig.Session.ASK_AHEAD * socket.maxFrameBytes();
        if (sessionOvershoot > socket.maxUnwrittenBytes()) {
            problems.add("gateway.session.max-unacknowledged-bytes plus " + GatewayConfig.Session.ASK_AHEAD
                    + " responses of gateway.socket.max-frame-bytes (" + sessionOvershoot
                    + ") must fit in gateway.socket.max-unwritten-bytes (" + socket.maxUnwrittenBytes()
                    + "): a session paced by its client's acknowledgements must never be closed as a client that does not read");
        }
        if (socket.inputWindowBytes() < socket.maxFrameBytes()) {
            problems.add("gateway.socket.input-window-bytes must hold the largest input (max-frame-bytes)");
        }
        if (websocketsNextCompression != socket.compression()) {
            problems.add("quarkus.websockets-next.server.per-message-compression-supported must follow gateway.socket.compression ("
                    + socket.compression() + "): set gateway.socket.compression only");
        }
        long oneSocket = (long) socket.maxUnwrittenBytes() + socket.inputWindowBytes() + hardCeiling;
        if (config.memory().budgetBytes() < 4 * oneSocket) {
            problems.add("gateway.memory.budget-bytes must hold at least four sockets at their bounds ("
                    + 4 * oneSocket + " bytes)");
        }
        return problems;
    }
}
