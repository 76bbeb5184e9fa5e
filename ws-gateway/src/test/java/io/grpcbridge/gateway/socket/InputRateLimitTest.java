package io.grpcbridge.gateway.socket;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InputRateLimitTest {

    static final long MS = 1_000_000L;

    @Test
    void aSecondsWorthIsAllowedAtOnceThenOneMessagePerTokenAsItRefills() {
        InputRateLimit limit = new InputRateLimit(4, 0);
        for (int i = 0; i < 4; i++) {
            assertThat(limit.allows(0)).isTrue();
            limit.take(0);
        }

        assertThat(limit.allows(0)).isFalse();
        assertThat(limit.nanosUntilAllowed(0)).isEqualTo(250 * MS);
        assertThat(limit.allows(100 * MS)).isFalse();
        assertThat(limit.nanosUntilAllowed(100 * MS)).isEqualTo(150 * MS);
        assertThat(limit.allows(250 * MS)).isTrue();
        limit.take(250 * MS);
        assertThat(limit.allows(250 * MS)).isFalse();
    }

    @Test
    void theBucketHoldsAtMostOneSecondsWorth() {
        InputRateLimit limit = new InputRateLimit(2, 0);

        int allowed = 0;
        while (limit.allows(10_000 * MS)) {
            limit.take(10_000 * MS);
            allowed++;
        }

        assertThat(allowed).isEqualTo(2);
        assertThat(limit.nanosUntilAllowed(10_000 * MS)).isEqualTo(500 * MS);
    }
}
