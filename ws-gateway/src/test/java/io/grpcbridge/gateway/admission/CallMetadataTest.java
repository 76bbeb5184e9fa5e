package io.grpcbridge.gateway.admission;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.grpcbridge.gateway.config.GatewayConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;

/** gateway.calls.forward-headers is checked at startup: headers gRPC or HTTP/2 would reject are refused by name. */
class CallMetadataTest {

    @ParameterizedTest
    @ValueSource(strings = { "connection", "Host", "te", "grpc-timeout", "sec-websocket-key", "x-caller-bin", ":path" })
    void headersThatCannotTravelAsMetadataAreRefusedAtStartup(String header) {
        assertThatIllegalArgumentException().isThrownBy(() -> new CallMetadata(forwarding(header)))
                .withMessageContaining(header.toLowerCase());
    }

    @ParameterizedTest
    @ValueSource(strings = { "x-request-id", "Accept-Language", "authorization", "traceparent" })
    void ordinaryHeadersAreAccepted(String header) {
        assertThatNoException().isThrownBy(() -> new CallMetadata(forwarding(header)));
    }

    private static GatewayConfig forwarding(String header) {
        return new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 100, new DurationConverter())
                .withMapping(GatewayConfig.class)
                .withDefaultValue("gateway.calls.forward-headers", header)
                .build()
                .getConfigMapping(GatewayConfig.class);
    }
}
