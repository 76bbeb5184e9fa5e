package io.grpcbridge.gateway.socket;

import java.time.Duration;
import java.util.OptionalInt;

import io.grpcbridge.gateway.config.GatewayConfig;

/** A socket's bounds for tests that build a {@link StreamBridge} without Quarkus; small by default. */
final class TestLimits implements GatewayConfig.Socket {

    int maxFrameBytes = 1024;
    int sendWindow = 4;
    int sendWindowBytes = 2048;
    int maxUnwrittenFrames = 64;
    int maxUnwrittenBytes = 8192;
    int inputWindow = 8;
    int inputWindowBytes = 4096;
    int maxInputsPerSecond = 1000;

    @Override
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    @Override
    public int sendWindow() {
        return sendWindow;
    }

    @Override
    public int sendWindowBytes() {
        return sendWindowBytes;
    }

    @Override
    public int maxUnwrittenFrames() {
        return maxUnwrittenFrames;
    }

    @Override
    public int maxUnwrittenBytes() {
        return maxUnwrittenBytes;
    }

    @Override
    public int inputWindow() {
        return inputWindow;
    }

    @Override
    public int inputWindowBytes() {
        return inputWindowBytes;
    }

    @Override
    public int maxInputsPerSecond() {
        return maxInputsPerSecond;
    }

    @Override
    public boolean compression() {
        return true;
    }

    @Override
    public Duration peerTimeout() {
        return Duration.ofSeconds(75);
    }

    @Override
    public Duration closeTimeout() {
        return Duration.ofSeconds(5);
    }

    @Override
    public OptionalInt sendBufferBytes() {
        return OptionalInt.empty();
    }
}
