package io.grpcbridge.gateway;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/**
 * Ready while chat-service can be reached: quarkus-grpc checks only a gRPC server, and the gateway
 * has none. An idle channel is asked to connect rather than reported down (see
 * {@link ChatConnectivity}), so the gateway is ready on its first probe and after quiet hours.
 */
@Readiness
@ApplicationScoped
public class ChatReadiness implements AsyncHealthCheck {

    private final ChatConnectivity chat;
    private final Duration wait;

    ChatReadiness(ChatConnectivity chat, GatewayConfig config) {
        this.chat = chat;
        this.wait = config.chat().connectWait();
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return chat.awaitAllReady(wait).map(ready -> HealthCheckResponse.named("chat-service").status(ready).build());
    }
}
