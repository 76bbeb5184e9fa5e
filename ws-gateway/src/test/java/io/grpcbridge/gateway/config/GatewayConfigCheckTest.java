package io.grpcbridge.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The startup check names each contradiction, and each key an earlier version read, with what replaced it. */
class GatewayConfigCheckTest {

    private static final OptionalInt CEILING = OptionalInt.of(131072);
    private static final Optional<Duration> PING = Optional.of(Duration.ofSeconds(30));

    @Test
    void theShippedBoundsAgree() {
        assertThat(check(Map.of(), OptionalInt.of(5256)).problems()).isEmpty();
    }

    @Test
    void theTcpConnectionsMustBeMoreThanTheSockets() {
        assertThat(check(Map.of("gateway.upgrade.max-connections", "100"), OptionalInt.of(100)).problems())
                .singleElement().asString()
                .startsWith("quarkus.http.limits.max-connections (100) must be above gateway.upgrade.max-connections (100)");
    }

    static Iterable<Map.Entry<String, String>> replacedKeys() {
        return GatewayConfigCheck.REPLACED_KEYS.entrySet();
    }

    @ParameterizedTest
    @MethodSource("replacedKeys")
    void aKeyOfAnEarlierVersionIsNamedWithWhatReplacedIt(Map.Entry<String, String> replaced) {
        assertThat(check(Map.of(replaced.getKey(), "1"), OptionalInt.of(5256)).problems())
                .containsExactly(replaced.getKey() + " is no longer read: set " + replaced.getValue());
    }

    private static GatewayConfigCheck check(Map<String, String> properties, OptionalInt connectionCap) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 100, new DurationConverter())
                .withMapping(GatewayConfig.class)
                .withValidateUnknown(false)
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
        return new GatewayConfigCheck(config.getConfigMapping(GatewayConfig.class), config, true, connectionCap, CEILING, PING);
    }
}
