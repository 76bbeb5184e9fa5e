package io.grpcbridge.gateway.admission;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Executor;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.grpcbridge.gateway.backend.BackendConnectivity;
import io.grpcbridge.gateway.backend.BridgedMethod;
import io.grpcbridge.gateway.backend.MethodCatalog;
import io.grpcbridge.gateway.backend.WarmUpBackend;
import io.grpcbridge.gateway.config.GatewayConfig;
import io.grpcbridge.gateway.internals.InboundFrameGate;
import io.grpcbridge.gateway.internals.TcpConnection;
import io.grpcbridge.gateway.socket.GatewayMetrics;
import io.opentelemetry.context.Context;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.HttpUpgradeCheck;
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
 * 401) and no gRPC call is started. A permitted one hands its socket an {@link Admission}.
 */
@ApplicationScoped
public class UpgradeGuard implements HttpUpgradeCheck {

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
    private final WarmUpPass warmUpPass;
    private volatile boolean draining;

    UpgradeGuard(GatewayConfig config, ConnectionSlots slots, MethodCatalog catalog, BackendConnectivity backends,
            GatewayMetrics metrics, CallMetadata callMetadata, WarmUpPass warmUpPass,
            @ConfigProperty(name = "quarkus.websockets-next.server.max-message-size") OptionalInt maxMessageBytes) {
        this.config = config.upgrade();
        this.compression = config.socket().compression();
        this.maxMessageBytes = maxMessageBytes.orElse(HttpServerOptions.DEFAULT_MAX_WEBSOCKET_MESSAGE_SIZE);
        this.authenticationRequired = config.auth().enabled();
        this.connectWait = config.calls().connectWait();
        this.retryAfter = Map.of("Retry-After", List.of(String.valueOf(Math.max(1, connectWait.toSeconds()))));
        this.allowedOrigins = new AllowedOrigins(this.config.allowedOrigins());
        this.slots = slots;
        this.catalog = catalog;
        this.backends = backends;
        this.metrics = metrics;
        this.callMetadata = callMetadata;
        this.warmUpPass = warmUpPass;
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        HttpServerRequest request = context.httpRequest();
        if (warmUpPass.admits(request.getHeader(WarmUpPass.HEADER))) {
            return admitWarmUp(context);
        }
        String origin = request.getHeader("Origin");
        if (origin == null ? config.requireOrigin() : !allowedOrigins.allows(origin)) {
            LOG.infof("refused an upgrade from origin %s", origin);
            return refuse(403, null);
        }
        if (draining) {
            return refuse(503, retryAfter);
        }
        if (request.path().equals(SocketPaths.SESSION)) {
            return admitSession(context);
        }
        MethodCatalog.Lookup lookup = catalog.lookup(SocketPaths.methodOf(request.path()));
        if (lookup instanceof MethodCatalog.NotLoaded) {
            return refuse(503, retryAfter);
        }
        if (!(lookup instanceof MethodCatalog.Found found)) {
            // UnknownMethodRoute answers an unknown method with 404 and its reason before the upgrade gets here.
            return refuse(404, null);
        }
        BridgedMethod method = found.method();
        Reserved reserved = reserve(request);
        if (reserved == null) {
            return refuse(503, retryAfter);
        }
        ConnectionSlots.Slot slot = reserved.slot();
        // websockets-next runs @OnOpen outside the request's trace; the socket's bridge restores it.
        Context trace = Context.current();
        io.vertx.core.Context requestContext = Vertx.currentContext();
        Executor onRequestThread = task -> requestContext.runOnContext(ignored -> task.run());
        // Picked here, on the connection's event loop: its channel is the one the socket's call will use.
        Uni<Boolean> backendReady = backends.awaitReadyHere(method.backend(), connectWait, onRequestThread);
        return context.securityIdentity().flatMap(identity -> {
            if (unauthenticated(identity)) {
                slot.release();
                return refuse(401, BEARER_CHALLENGE);
            }
            return backendReady.map(ready -> {
                if (!ready) {
                    slot.release();
                    metrics.upgradeRefused(503);
                    return CheckResult.rejectUpgradeSync(503, retryAfter);
                }
                admit(context, identity, method, reserved, trace, false);
                return CheckResult.permitUpgradeSync();
            });
        }).onFailure().invoke(slot::release);
    }

    /** A session: its calls name their methods, each looked up and checked when it opens. */
    private Uni<CheckResult> admitSession(HttpUpgradeContext context) {
        Reserved reserved = reserve(context.httpRequest());
        if (reserved == null) {
            return refuse(503, retryAfter);
        }
        Context trace = Context.current();
        return context.securityIdentity().flatMap(identity -> {
            if (unauthenticated(identity)) {
                reserved.slot().release();
                return refuse(401, BEARER_CHALLENGE);
            }
            admit(context, identity, null, reserved, trace, false);
            return CheckResult.permitUpgrade();
        }).onFailure().invoke(reserved.slot()::release);
    }

    /** One of the gateway's own warm-up sockets: its method's call goes to the warm-up's backend. */
    private Uni<CheckResult> admitWarmUp(HttpUpgradeContext context) {
        if (!(catalog.lookup(SocketPaths.methodOf(context.httpRequest().path())) instanceof MethodCatalog.Found found)) {
            return refuse(404, null);
        }
        Reserved reserved = reserve(context.httpRequest());
        if (reserved == null) {
            return refuse(503, retryAfter);
        }
        admit(context, null, found.method().onBackend(WarmUpBackend.NAME), reserved, Context.root(), true);
        return CheckResult.permitUpgrade();
    }

    /** A connection slot and the TCP connection that gives it back when it closes. */
    private record Reserved(ConnectionSlots.Slot slot, TcpConnection tcp) {
    }

    /** A slot for the upgrade, released when its TCP connection closes; null when every slot is taken. */
    private Reserved reserve(HttpServerRequest request) {
        ConnectionSlots.Slot slot = slots.reserve().orElse(null);
        if (slot == null) {
            return null;
        }
        TcpConnection tcp = TcpConnection.of(request);
        tcp.onClose(slot::release);
        return new Reserved(slot, tcp);
    }

    /** Authentication is on and the upgrade brought no valid token. */
    private boolean unauthenticated(SecurityIdentity identity) {
        return authenticationRequired && (identity == null || identity.isAnonymous());
    }

    private void admit(HttpUpgradeContext context, SecurityIdentity identity, BridgedMethod method, Reserved reserved,
            Context trace, boolean warmUp) {
        // In the pipeline before the 101 goes out, so that no message of the socket passes unpaced.
        InboundFrameGate gate = reserved.tcp().gateInbound(
                compression ? context.httpRequest().getHeader("Sec-WebSocket-Extensions") : null, maxMessageBytes);
        context.userData().put(Admission.KEY, new Admission(method, reserved.slot(), reserved.tcp(), gate, trace,
                callMetadata.of(context.httpRequest(), identity), warmUp));
    }

    private Uni<CheckResult> refuse(int status, Map<String, List<String>> headers) {
        metrics.upgradeRefused(status);
        return CheckResult.rejectUpgrade(status, headers);
    }

    /** From now on, every upgrade is refused with 503: the gateway is shutting down. */
    public void startDraining() {
        draining = true;
    }
}
