package io.grpcbridge.gateway;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.WithDefault;

/**
 * Caps the TCP connections the gateway accepts, sockets and connections not upgraded yet together:
 * {@code quarkus.http.limits.max-connections} defaults to {@code gateway.upgrade.max-connections +
 * gateway.upgrade.max-pending-connections}, so that an operator sets the two gateway properties
 * and the sum follows. Quarkus closes a connection past it as soon as it is accepted. Setting
 * {@code quarkus.http.limits.max-connections} explicitly still wins (this source's ordinal is low).
 */
public class ConnectionCapConfigSource implements ConfigSourceFactory {

    static final String QUARKUS_CAP = "quarkus.http.limits.max-connections";
    private static final int ORDINAL = 50;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        int sockets = value(context, "gateway.upgrade.max-connections", "maxConnections");
        int pending = value(context, "gateway.upgrade.max-pending-connections", "maxPendingConnections");
        return List.of(new PropertiesConfigSource(Map.of(QUARKUS_CAP, String.valueOf(sockets + pending)),
                "gateway connection cap", ORDINAL));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    /** The configured value, or the default that {@link GatewayConfig.Upgrade} declares for it. */
    private static int value(ConfigSourceContext context, String property, String method) {
        ConfigValue configured = context.getValue(property);
        if (configured != null && configured.getValue() != null) {
            return Integer.parseInt(configured.getValue().trim());
        }
        try {
            return Integer.parseInt(GatewayConfig.Upgrade.class.getMethod(method).getAnnotation(WithDefault.class).value());
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }
}
