package io.grpcbridge.gateway.ops;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.grpcbridge.gateway.backend.BackendConnectivity;
import io.grpcbridge.gateway.backend.ConfiguredBackends;
import io.grpcbridge.gateway.backend.MethodCatalog;
import io.grpcbridge.gateway.config.GatewayConfig;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/**
 * Ready while every backend can be reached and has its descriptors: quarkus-grpc checks only a gRPC
 * server, and the gateway has none. One check per backend, named after it ({@code chat} is
 * chat-service), so a probe's answer says which is missing. An idle channel is asked to connect
 * rather than reported down (see {@link BackendConnectivity}), so the gateway is ready on its first
 * probe and after quiet hours.
 */
@Readiness
@ApplicationScoped
public class BackendReadiness implements AsyncHealthCheck {

    private final BackendConnectivity connectivity;
    private final MethodCatalog catalog;
    private final List<String> backends;
    private final Duration wait;

    BackendReadiness(BackendConnectivity connectivity, MethodCatalog catalog, GatewayConfig config,
            ConfiguredBackends configured) {
        this.connectivity = connectivity;
        this.catalog = catalog;
        this.backends = List.copyOf(configured.all().keySet());
        this.wait = config.calls().connectWait();
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        List<Uni<Boolean>> each = backends.stream()
                .map(backend -> connectivity.awaitAllReady(backend, wait).map(connected -> connected && catalog.isLoaded(backend)))
                .toList();
        return Uni.combine().all().unis(each).with(Boolean.class, ready -> {
            HealthCheckResponseBuilder response = HealthCheckResponse.named("backends").up();
            for (int i = 0; i < backends.size(); i++) {
                response.withData(backends.get(i), ready.get(i) ? "UP" : "DOWN");
            }
            return response.status(!ready.contains(false)).build();
        });
    }
}
