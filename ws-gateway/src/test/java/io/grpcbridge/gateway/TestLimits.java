package io.grpcbridge.gateway;

import java.time.Duration;
import java.util.OptionalInt;

/** A socket's bounds for tests that build a {@link StreamBridge} without Quarkus; small by default. */
final class TestLimits implements GatewayConfig.Socket {

    int maxFrameBytes = 1024;
    int sendWindow = 4;
    int sendWindowBytes = 2048;
    int maxUnwrittenFrames = 64;
    int maxUnwrittenBytes = 8192;
    int maxPendingInputs = 8;
    int maxPendingInputBytes = 4096;
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
    public int maxPendingInputs() {
        return maxPendingInputs;
    }

    @Override
    public int maxPendingInputBytes() {
        return maxPendingInputBytes;
    }

    @Override
    public int maxInputsPerSecond() {
        return maxInputsPerSecond;
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
