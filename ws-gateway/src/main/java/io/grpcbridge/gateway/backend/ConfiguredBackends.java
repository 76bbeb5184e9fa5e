package io.grpcbridge.gateway.backend;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Singleton;

import io.grpcbridge.gateway.config.GatewayConfig;

/**
 * The backends the gateway bridges: exactly those configured ({@code gateway.backends.<name>.*}),
 * or, when none is, chat-service as the default backend {@code chat} (exposing {@code chat.Chat},
 * described by chat-service's server reflection, at {@code quarkus.grpc.clients.chat.*}).
 * A gateway started with {@code GATEWAY_BACKENDS_SHOP_*} bridges shop alone: it is ready without any
 * chat-service, and {@code /ws} is unknown to it. To keep the chat beside other backends, configure
 * it too ({@code GATEWAY_BACKENDS_CHAT_EXPOSE=chat.Chat}).
 * <p>
 * Decided here rather than by a default in the configuration: Quarkus records the values a
 * configuration source gives while it builds the application as the runtime's defaults, so a
 * default backend given that way could not be left out at runtime.
 */
@Singleton
public class ConfiguredBackends {

    /** The default backend's name, and its quarkus-grpc client's. */
    static final String DEFAULT = "chat";
    static final GatewayConfig.Backend DEFAULT_CHAT = new GatewayConfig.Backend() {
        @Override
        public List<String> expose() {
            return List.of("chat.Chat");
        }

        @Override
        public Optional<String> descriptorSet() {
            return Optional.empty();
        }

        @Override
        public Duration reflectionRefresh() {
            return Duration.ofMinutes(5);
        }

        @Override
        public Optional<Duration> deadline() {
            return Optional.empty();
        }
    };

    private final Map<String, GatewayConfig.Backend> all;

    ConfiguredBackends(GatewayConfig config) {
        this.all = config.backends().isEmpty() ? Map.of(DEFAULT, DEFAULT_CHAT) : Map.copyOf(config.backends());
    }

    /** Every backend, by name. */
    public Map<String, GatewayConfig.Backend> all() {
        return all;
    }
}
