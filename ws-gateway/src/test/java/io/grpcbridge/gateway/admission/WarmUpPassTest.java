package io.grpcbridge.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WarmUpPassTest {

    @Test
    void admitsItsOwnSecretOnlyWhileOpen() {
        WarmUpPass pass = new WarmUpPass();
        assertThat(pass.admits(pass.secret())).as("before the warm-up").isFalse();

        pass.open();
        assertThat(pass.admits(pass.secret())).isTrue();
        assertThat(pass.admits(null)).isFalse();
        assertThat(pass.admits("")).isFalse();
        assertThat(pass.admits(pass.secret().substring(1))).isFalse();
        assertThat(pass.admits(new WarmUpPass().secret())).as("another process's secret").isFalse();

        pass.close();
        assertThat(pass.admits(pass.secret())).as("after the warm-up").isFalse();
    }

    @Test
    void eachProcessHasItsOwnSecretOf128Bits() {
        String secret = new WarmUpPass().secret();
        assertThat(secret).matches("[0-9a-f]{32}").isNotEqualTo(new WarmUpPass().secret());
    }
}
