package io.grpcbridge.gateway;

import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.grpc.Metadata;
import io.opentelemetry.context.Context;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * Decides, before the WebSocket handshake completes, whether a browser may open a socket: its
 * Origin (cross-site WebSocket hijacking), the connection cap, whether the gateway is draining for
 * shutdown, and, when authentication is on, whether it carried a valid bearer token. A refused
 * upgrade is a plain HTTP answer (403, 503 or 401), so no gRPC call is started. A permitted one
 * keeps the trace context of its HTTP request and the metadata its gRPC call will carry.
 */
@ApplicationScoped
public class UpgradeGuard implements HttpUpgradeCheck {

    /** The OpenTelemetry context of the upgrade request (the root context when tracing is off). */
    static final UserData.TypedKey<Context> UPGRADE_TRACE = new UserData.TypedKey<>("upgrade-trace");
    private static final Logger LOG = Logger.getLogger(UpgradeGuard.class);

    private static final Map<String, List<String>> BEARER_CHALLENGE = Map.of("WWW-Authenticate", List.of("Bearer"));

    private final GatewayConfig.Upgrade config;
    private final boolean authenticationRequired;
    private final GatewayMetrics metrics;
    private final CallMetadata callMetadata;
    private final Set<String> allowedOrigins;
    private volatile boolean draining;

    UpgradeGuard(GatewayConfig config, GatewayMetrics metrics, CallMetadata callMetadata) {
        this.config = config.upgrade();
        this.authenticationRequired = config.auth().enabled();
        this.metrics = metrics;
        this.callMetadata = callMetadata;
        this.allowedOrigins = Set.copyOf(this.config.allowedOrigins().orElse(List.of()));
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        HttpServerRequest request = context.httpRequest();
        String origin = request.getHeader("Origin");
        if (!originAllowed(origin, request)) {
            LOG.infof("refused an upgrade from origin %s", origin);
            metrics.upgradeRefused(403);
            return CheckResult.rejectUpgrade(403);
        }
        if (draining || metrics.activeConnections() >= config.maxConnections()) {
            metrics.upgradeRefused(503);
            return CheckResult.rejectUpgrade(503);
        }
        // websockets-next runs @OnOpen outside the request's trace; the socket's bridge restores it.
        Context trace = Context.current();
        return context.securityIdentity().map(identity -> admit(context, identity, trace));
    }

    private CheckResult admit(HttpUpgradeContext context, SecurityIdentity identity, Context trace) {
        if (authenticationRequired && (identity == null || identity.isAnonymous())) {
            metrics.upgradeRefused(401);
            return CheckResult.rejectUpgradeSync(401, BEARER_CHALLENGE);
        }
        context.userData().put(UPGRADE_TRACE, trace);
        Metadata metadata = callMetadata.of(context.httpRequest(), identity);
        if (metadata != null) {
            context.userData().put(CallMetadata.KEY, metadata);
        }
        return CheckResult.permitUpgradeSync();
    }

    /** From now on, every upgrade is refused with 503: the gateway is shutting down. */
    void startDraining() {
        draining = true;
    }

    private boolean originAllowed(String origin, HttpServerRequest request) {
        if (origin == null) {
            return !config.requireOrigin();
        }
        return origin.equals(ownOrigin(request)) || allowedOrigins.contains(origin);
    }

    /** The origin a page served by this gateway, as the browser reached it, has. */
    private static String ownOrigin(HttpServerRequest request) {
        return (request.isSSL() ? "https://" : "http://") + request.authority();
    }
}
