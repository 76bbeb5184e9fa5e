package io.grpcbridge.chat;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Warm before ready: once started, chat-service makes calls of its own {@code BidStream} over
 * loopback, so that the JIT has compiled a call's path before a reconnect storm's calls arrive.
 */
@ConfigMapping(prefix = "chat.warm-up")
public interface WarmUpConfig {

    /** Off: ready as soon as the gRPC server is. */
    @WithDefault("true")
    boolean enabled();

    /** Calls made, each one input ("warm-up") and its answer. */
    @WithDefault("10000")
    int calls();

    /** Calls open at a time. */
    @WithDefault("20")
    int concurrency();

    /** The warm-up ends at this bound whatever it has done, and chat-service reports ready. */
    @WithDefault("15s")
    Duration timeout();
}
