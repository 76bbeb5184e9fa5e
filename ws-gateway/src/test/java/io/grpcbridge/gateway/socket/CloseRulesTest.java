package io.grpcbridge.gateway.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.grpc.Status;

class CloseRulesTest {

    @Test
    void unavailableIsTryAgainLaterAndAnyOtherStatusIsInternalError() {
        assertThat(CloseRules.codeFor(Status.UNAVAILABLE)).isEqualTo(1013);
        assertThat(CloseRules.codeFor(Status.INTERNAL)).isEqualTo(1011);
        assertThat(CloseRules.codeFor(Status.RESOURCE_EXHAUSTED)).isEqualTo(1011);
        assertThat(CloseRules.codeFor(Status.CANCELLED)).isEqualTo(1011);
    }

    @Test
    void reasonsAreCutToAtMost123BytesOnACharacterBoundary() {
        String chinese = "数".repeat(50); // 150 bytes
        String cut = CloseRules.truncate(chinese);

        assertThat(cut.getBytes(StandardCharsets.UTF_8)).hasSize(123);
        assertThat(cut).isEqualTo("数".repeat(41));
        assertThat(CloseRules.truncate("a" + chinese).getBytes(StandardCharsets.UTF_8)).hasSize(121);
        assertThat(CloseRules.truncate("😀".repeat(40)).getBytes(StandardCharsets.UTF_8)).hasSize(120);
        assertThat(CloseRules.truncate("short")).isEqualTo("short");
        assertThat(CloseRules.truncate("x".repeat(123))).hasSize(123);
        assertThat(CloseRules.truncate("x".repeat(124))).hasSize(123);
    }
}
