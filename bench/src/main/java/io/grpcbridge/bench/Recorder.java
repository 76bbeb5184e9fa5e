package io.grpcbridge.bench;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a run saw, from every connection's event loop at once: protocol counters over the whole
 * run, and the latencies and rates of the measured window only (warm-up and drain excluded).
 */
final class Recorder {

    /**
     * Protocol accounting; the ones marked failure make a run not ok. The session ones are reported
     * for runs on {@code /session} only.
     */
    enum Count {
        SENT(false),
        COMPLETED(false),
        ECHO_FRAMES(false),
        OUTPUT_FRAMES(false),
        MISSING_ECHO(true),
        UNMATCHED_ECHO(true),
        LOST(true),
        LATE(true),
        DUPLICATE(true),
        OUT_OF_ORDER(true),
        INCOMPLETE(true),
        UNEXPECTED_OUTPUT(true),
        OTHER_FRAMES(true),
        CALLS_OPENED(false, true),
        REQUEST_CREDIT_FRAMES(false, true),
        CREDIT_WAITS(false, true),
        RESPONSE_GRANTS(false, true),
        ACKS(false, true),
        SEQ_ERRORS(true, true);

        final boolean failure;
        final boolean session;

        Count(boolean failure) {
            this(failure, false);
        }

        Count(boolean failure, boolean session) {
            this.failure = failure;
            this.session = session;
        }

        String key() {
            return name().toLowerCase();
        }
    }

    private final Map<Count, LongAdder> counts = new EnumMap<>(Count.class);
    private final Map<String, LongAdder> errorFrames = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final LatencyHistogram latency = new LatencyHistogram();
    private final LatencyHistogram firstOutput = new LatencyHistogram();
    private final LongAdder completedInWindow = new LongAdder();
    private final LongAdder outputsInWindow = new LongAdder();
    private final boolean sessions;
    private volatile boolean measuring;

    Recorder() {
        this(false);
    }

    /** {@code sessions}: the run is on {@code /session}, and its accounting has the session counters. */
    Recorder(boolean sessions) {
        this.sessions = sessions;
        for (Count c : Count.values()) {
            counts.put(c, new LongAdder());
        }
    }

    void measure(boolean on) {
        measuring = on;
    }

    void count(Count c) {
        counts.get(c).increment();
    }

    long get(Count c) {
        return counts.get(c).sum();
    }

    void errorFrame(String code) {
        errorFrames.computeIfAbsent(code, k -> new LongAdder()).increment();
    }

    /** A failure outside the frames: a refused handshake, a socket closed under the run. */
    void failure(String kind) {
        failures.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    void output() {
        count(Count.OUTPUT_FRAMES);
        if (measuring) {
            outputsInWindow.increment();
        }
    }

    void completed(long latencyNanos) {
        count(Count.COMPLETED);
        if (measuring) {
            completedInWindow.increment();
            latency.record(latencyNanos);
        }
    }

    void firstOutput(long latencyNanos) {
        if (measuring) {
            firstOutput.record(latencyNanos);
        }
    }

    long completedInWindow() {
        return completedInWindow.sum();
    }

    long outputsInWindow() {
        return outputsInWindow.sum();
    }

    LatencyHistogram latency() {
        return latency;
    }

    LatencyHistogram firstOutputLatency() {
        return firstOutput;
    }

    /** Failed frames, error frames and other failures together. */
    long errors() {
        long n = 0;
        for (Count c : Count.values()) {
            if (c.failure) {
                n += get(c);
            }
        }
        return n + sum(errorFrames) + sum(failures);
    }

    Map<String, Object> accounting() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Count c : Count.values()) {
            if (sessions || !c.session) {
                m.put(c.key(), get(c));
            }
        }
        m.put("error_frames", snapshot(errorFrames));
        m.put("failures", snapshot(failures));
        return m;
    }

    private static long sum(Map<String, LongAdder> m) {
        return m.values().stream().mapToLong(LongAdder::sum).sum();
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
