package io.grpcbridge.gateway.socket;

/**
 * One socket's message rate: a token bucket refilled at {@code perSecond}, holding at most one
 * second's worth. A socket whose bucket is empty is not read until a token is back, so a client
 * over the rate is slowed, not refused. Not thread-safe: its socket's event loop is its only caller.
 */
final class InputRateLimit {

    private static final long ONE_SECOND = 1_000_000_000L;

    private final double perSecond;
    private double tokens;
    private long refilledAt;

    InputRateLimit(int perSecond, long now) {
        this.perSecond = perSecond;
        this.tokens = perSecond;
        this.refilledAt = now;
    }

    /** Whether a message may be read at {@code now}. */
    boolean allows(long now) {
        refill(now);
        return tokens >= 1;
    }

    /** A message was read. */
    void take(long now) {
        refill(now);
        tokens -= 1;
    }

    /** Nanoseconds from {@code now} until the next message may be read (0: it may now). */
    long nanosUntilAllowed(long now) {
        refill(now);
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) * ONE_SECOND / perSecond);
    }

    private void refill(long now) {
        tokens = Math.min(perSecond, tokens + (now - refilledAt) * perSecond / ONE_SECOND);
        refilledAt = now;
    }
}
