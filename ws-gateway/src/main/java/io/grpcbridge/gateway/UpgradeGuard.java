package io.grpcbridge.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Executor;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.grpc.Metadata;
import io.opentelemetry.context.Context;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * Decides, before the WebSocket handshake completes, whether a client may open a socket: its
 * Origin (cross-site WebSocket hijacking, DNS rebinding), whether the gateway is draining for
 * shutdown, an exposed method at its URL, a free connection slot, a valid bearer token when
 * authentication is on, and a connected channel to the method's backend, so that a socket that
 * opens has a call that starts at once. A refused upgrade is a plain HTTP answer (403, 404, 503 or
 * 401) and no gRPC call is started. A permitted one hands its socket the method, the slot, its TCP
 * connection, the trace context of its HTTP request and the metadata its gRPC call will carry.
 */
@ApplicationScoped
public class UpgradeGuard implements HttpUpgradeCheck {

    /** The OpenTelemetry context of the upgrade request (the root context when tracing is off). */
    static final UserData.TypedKey<Context> UPGRADE_TRACE = new UserData.TypedKey<>("upgrade-trace");
    /** The connection slot the upgrade reserved; the socket gives it back. */
    static final UserData.TypedKey<ConnectionSlots.Slot> SLOT = new UserData.TypedKey<>("connection-slot");
    /** The method the socket calls. */
    static final UserData.TypedKey<BridgedMethod> METHOD = new UserData.TypedKey<>("bridged-method");
    /** The TCP connection the socket runs on. */
    static final UserData.TypedKey<TcpConnection> TCP = new UserData.TypedKey<>("tcp-connection");
    /** What lets the socket's messages in, as fast as the socket takes them. */
    static final UserData.TypedKey<InboundFrameGate> GATE = new UserData.TypedKey<>("inbound-frame-gate");
    private static final Logger LOG = Logger.getLogger(UpgradeGuard.class);

    private static final Map<String, List<String>> BEARER_CHALLENGE = Map.of("WWW-Authenticate", List.of("Bearer"));

    private final GatewayConfig.Upgrade config;
    private final boolean authenticationRequired;
    private final Duration connectWait;
    private final boolean compression;
    private final int maxMessageBytes;
    private final Map<String, List<String>> retryAfter;
    private final AllowedOrigins allowedOrigins;
    private final ConnectionSlots slots;
    private final MethodCatalog catalog;
    private final BackendConnectivity backends;
    private final GatewayMetrics metrics;
    private final CallMetadata callMetadata;
    private volatile boolean draining;

    UpgradeGuard(GatewayConfig config, ConnectionSlots slots, MethodCatalog catalog, BackendConnectivity backends,
            GatewayMetrics metrics, CallMetadata callMetadata,
            @ConfigProperty(name = "quarkus.websockets-next.server.max-message-size") OptionalInt maxMessageBytes) {
        this.config = config.upgrade();
        this.compression = config.socket().compression();
        this.maxMessageBytes = maxMessageBytes.orElse(HttpServerOptions.DEFAULT_MAX_WEBSOCKET_MESSAGE_SIZE);
        this.authenticationRequired = config.auth().enabled();
        this.connectWait = config.chat().connectWait();
        this.retryAfter = Map.of("Retry-After", List.of(String.valueOf(Math.max(1, connectWait.toSeconds()))));
        this.allowedOrigins = new AllowedOrigins(this.config.allowedOrigins());
        this.slots = slots;
        this.catalog = catalog;
        this.backends = backends;
        this.metrics = metrics;
        this.callMetadata = callMetadata;
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        HttpServerRequest request = context.httpRequest();
        String origin = request.getHeader("Origin");
        if (origin == null ? config.requireOrigin() : !allowedOrigins.allows(origin)) {
            LOG.infof("refused an upgrade from origin %s", origin);
            return refuse(403, null);
        }
        if (draining) {
            return refuse(503, retryAfter);
        }
        MethodCatalog.Lookup lookup = catalog.lookup(methodOf(request.path()));
        if (lookup instanceof MethodCatalog.NotLoaded) {
            return refuse(503, retryAfter);
        }
        if (!(lookup instanceof MethodCatalog.Found found)) {
            // MethodRoutes answers an unknown method with 404 and its reason before the upgrade gets here.
            return refuse(404, null);
        }
        BridgedMethod method = found.method();
        ConnectionSlots.Slot slot = slots.reserve().orElse(null);
        if (slot == null) {
            return refuse(503, retryAfter);
        }
        TcpConnection tcp = TcpConnection.of(request);
        tcp.onClose(slot::release);
        // websockets-next runs @OnOpen outside the request's trace; the socket's bridge restores it.
        Context trace = Context.current();
        io.vertx.core.Context requestContext = Vertx.currentContext();
        Executor onRequestThread = task -> requestContext.runOnContext(ignored -> task.run());
        // Picked here, on the connection's event loop: its channel is the one the socket's call will use.
        Uni<Boolean> backendReady = backends.awaitReadyHere(method.backend(), connectWait, onRequestThread);
        return context.securityIdentity().flatMap(identity -> {
            if (authenticationRequired && (identity == null || identity.isAnonymous())) {
                slot.release();
                return refuse(401, BEARER_CHALLENGE);
            }
            return backendReady.map(ready -> {
                if (!ready) {
                    slot.release();
                    metrics.upgradeRefused(503);
                    return CheckResult.rejectUpgradeSync(503, retryAfter);
                }
                admit(context, identity, method, slot, tcp, trace);
                return CheckResult.permitUpgradeSync();
            });
        }).onFailure().invoke(slot::release);
    }

    private void admit(HttpUpgradeContext context, SecurityIdentity identity, BridgedMethod method,
            ConnectionSlots.Slot slot, TcpConnection tcp, Context trace) {
        context.userData().put(METHOD, method);
        context.userData().put(SLOT, slot);
        context.userData().put(TCP, tcp);
        // In the pipeline before the 101 goes out, so that no message of the socket passes unpaced.
        context.userData().put(GATE, tcp.gateInbound(
                compression ? context.httpRequest().getHeader("Sec-WebSocket-Extensions") : null, maxMessageBytes));
        context.userData().put(UPGRADE_TRACE, trace);
        Metadata metadata = callMetadata.of(context.httpRequest(), identity);
        if (metadata != null) {
            context.userData().put(CallMetadata.KEY, metadata);
        }
    }

    private Uni<CheckResult> refuse(int status, Map<String, List<String>> headers) {
        metrics.upgradeRefused(status);
        return CheckResult.rejectUpgrade(status, headers);
    }

    /**
     * The method a socket URL names: {@code /ws} is the chat method, {@code /ws/package.Service/Method}
     * that method (anything else names none).
     */
    static String methodOf(String path) {
        if (path.equals("/ws")) {
            return ChatWebSocket.METHOD;
        }
        return path.startsWith("/ws/") ? path.substring("/ws/".length()) : "";
    }

    /** From now on, every upgrade is refused with 503: the gateway is shutting down. */
    void startDraining() {
        draining = true;
    }
}
