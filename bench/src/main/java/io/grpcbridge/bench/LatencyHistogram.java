package io.grpcbridge.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.ConcurrentHistogram;

/** Latencies recorded in nanoseconds from any thread, summarised in microseconds. */
final class LatencyHistogram {

    private final ConcurrentHistogram histogram = new ConcurrentHistogram(3);

    void record(long nanos) {
        histogram.recordValue(Math.max(0, nanos));
    }

    long count() {
        return histogram.getTotalCount();
    }

    /** n, mean, p50, p90, p99, p99_9 and max in µs (0.1 µs resolution; percentiles within 0.1%). */
    Map<String, Object> summary() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("n", histogram.getTotalCount());
        s.put("mean", micros(histogram.getMean()));
        s.put("p50", micros(histogram.getValueAtPercentile(50)));
        s.put("p90", micros(histogram.getValueAtPercentile(90)));
        s.put("p99", micros(histogram.getValueAtPercentile(99)));
        s.put("p99_9", micros(histogram.getValueAtPercentile(99.9)));
        s.put("max", micros(histogram.getMaxValue()));
        return s;
    }

    private static double micros(double nanos) {
        return Math.round(nanos / 100.0) / 10.0;
    }
}
