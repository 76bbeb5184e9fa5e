package io.grpcbridge.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Origins compare as browsers write them: case-insensitive scheme and host, default ports implied. */
class AllowedOriginsTest {

    private final AllowedOrigins origins = new AllowedOrigins(List.of("https://App.Example:443", "http://localhost:8080"));

    @Test
    void aListedOriginIsAllowedHoweverItsDefaultPortAndCaseAreWritten() {
        assertThat(origins.allows("https://app.example")).isTrue();
        assertThat(origins.allows("HTTPS://APP.EXAMPLE:443")).isTrue();
        assertThat(origins.allows("http://localhost:8080")).isTrue();
    }

    @Test
    void anotherSchemeHostOrPortIsNot() {
        assertThat(origins.allows("http://app.example")).isFalse();
        assertThat(origins.allows("https://app.example:8443")).isFalse();
        assertThat(origins.allows("http://localhost")).isFalse();
        assertThat(origins.allows("https://app.example.evil.example")).isFalse();
    }

    @Test
    void anOpaqueOrMalformedOriginIsNever() {
        assertThat(origins.allows("null")).isFalse();
        assertThat(origins.allows("not a url")).isFalse();
        assertThat(origins.allows("")).isFalse();
    }
}
