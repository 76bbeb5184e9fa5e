package io.grpcbridge.gateway;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.grpc.Channel;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.quarkus.grpc.GrpcClient;

/**
 * Ready while the {@code chat} channel can reach chat-service. quarkus-grpc checks only a gRPC
 * server, and the gateway has none. Asking the state also asks the channel to connect, and after an
 * outage the reconnect backoff is reset, so readiness follows the service within a poll or two.
 */
@Readiness
@ApplicationScoped
public class ChatReadiness implements HealthCheck {

    private final Channel channel;

    ChatReadiness(@GrpcClient("chat") Channel channel) {
        this.channel = channel;
    }

    @Override
    public HealthCheckResponse call() {
        if (!(channel instanceof ManagedChannel managed)) {
            return HealthCheckResponse.up("chat-service");
        }
        ConnectivityState state = managed.getState(true);
        if (state == ConnectivityState.TRANSIENT_FAILURE) {
            managed.resetConnectBackoff();
        }
        return HealthCheckResponse.named("chat-service")
                .status(state == ConnectivityState.READY)
                .withData("channel", state.name())
                .build();
    }
}
