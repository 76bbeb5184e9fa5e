package io.grpcbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.grpcbridge.gateway.InputRateLimit.Verdict;

class InputRateLimitTest {

    static final long MS = 1_000_000L;

    @Test
    void aSecondsWorthPassesThenTheFirstOverIsWarnedAndTheRestDropped() {
        InputRateLimit limit = new InputRateLimit(3, 0);

        assertThat(limit.take(0)).isEqualTo(Verdict.ACCEPT);
        assertThat(limit.take(0)).isEqualTo(Verdict.ACCEPT);
        assertThat(limit.take(0)).isEqualTo(Verdict.ACCEPT);
        assertThat(limit.take(0)).isEqualTo(Verdict.REJECT_AND_WARN);
        assertThat(limit.take(100 * MS)).isEqualTo(Verdict.REJECT);
        assertThat(limit.take(340 * MS)).isEqualTo(Verdict.ACCEPT); // refilled one token
        assertThat(limit.take(340 * MS)).isEqualTo(Verdict.REJECT);
    }

    @Test
    void aClientThatKeepsFloodingIsClosedASecondAfterTheWarningEvenIfSomeInputsPass() {
        InputRateLimit limit = new InputRateLimit(5, 0);
        for (int i = 0; i < 5; i++) {
            limit.take(0);
        }
        assertThat(limit.take(0)).isEqualTo(Verdict.REJECT_AND_WARN);

        long now = 0;
        Verdict verdict = Verdict.ACCEPT;
        while (verdict != Verdict.CLOSE && now < 2_000 * MS) {
            now += MS; // an input every millisecond, 200 times the rate
            verdict = limit.take(now);
        }
        assertThat(verdict).isEqualTo(Verdict.CLOSE);
        assertThat(now).isBetween(1_000 * MS, 1_001 * MS);
    }

    @Test
    void aClientThatSlowsDownUntilTheBucketIsFullIsForgiven() {
        InputRateLimit limit = new InputRateLimit(2, 0);
        limit.take(0);
        limit.take(0);
        assertThat(limit.take(0)).isEqualTo(Verdict.REJECT_AND_WARN);

        assertThat(limit.take(1_500 * MS)).isEqualTo(Verdict.ACCEPT); // full again: the warning is forgotten
        assertThat(limit.take(1_500 * MS)).isEqualTo(Verdict.ACCEPT);
        assertThat(limit.take(1_500 * MS)).isEqualTo(Verdict.REJECT_AND_WARN);
    }
}
