package io.grpcbridge.gateway;

/**
 * One socket's input rate: a token bucket refilled at {@code perSecond}, holding at most one
 * second's worth. Not thread-safe: its socket's event loop is its only caller.
 */
final class InputRateLimit {

    enum Verdict {
        /** Within the rate. */
        ACCEPT,
        /** The first input over the rate: drop it and tell the client. */
        REJECT_AND_WARN,
        /** Over the rate again, soon after the warning: drop it quietly. */
        REJECT,
        /** Over the rate again a second or more after the warning, without having slowed down: close. */
        CLOSE
    }

    private static final long ONE_SECOND = 1_000_000_000L;

    private final double perSecond;
    private double tokens;
    private long refilledAt;
    private long warnedAt = -1;

    InputRateLimit(int perSecond, long now) {
        this.perSecond = perSecond;
        this.tokens = perSecond;
        this.refilledAt = now;
    }

    Verdict take(long now) {
        tokens = Math.min(perSecond, tokens + (now - refilledAt) * perSecond / ONE_SECOND);
        refilledAt = now;
        if (tokens >= perSecond) {
            warnedAt = -1; // a full bucket: the client kept within the rate long enough to be forgiven
        }
        if (tokens >= 1) {
            tokens -= 1;
            return Verdict.ACCEPT;
        }
        if (warnedAt == -1) {
            warnedAt = now;
            return Verdict.REJECT_AND_WARN;
        }
        return now - warnedAt >= ONE_SECOND ? Verdict.CLOSE : Verdict.REJECT;
    }
}
