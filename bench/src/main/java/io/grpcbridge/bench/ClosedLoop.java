package io.grpcbridge.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * c connections with k requests in flight each: every request that ends (answered, lost or
 * failed) is replaced at once by the next, on the same event loop. Latency mode is this with k = 1.
 */
final class ClosedLoop {

    private final Options options;
    private final Target target;
    private final int inFlight;
    private final boolean stream;
    private final Recorder recorder = new Recorder();
    private final LatencyHistogram connectLatency = new LatencyHistogram();
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile boolean stopping;

    /** What the run measured; the recorder's latencies and rates cover the window only. */
    record Result(Recorder recorder, LatencyHistogram connectLatency, int wanted, int opened, int aliveAtEnd,
                  double windowSeconds, Map<String, Object> cpu) {

        double perSecond(long n) {
            return windowSeconds > 0 ? ProcessStats.round(n / windowSeconds, 1) : 0;
        }

        /**
         * The figures common to latency and throughput; {@code what} (e.g. "round trips") makes the
         * rate, and {@code more} follows it.
         */
        Report report(Report report, String what, long count, Map<String, Object> more) {
            String key = what.replace(' ', '_');
            report.put("connections", Report.map("wanted", wanted, "opened", opened, "alive_at_end", aliveAtEnd));
            report.put("window_s", ProcessStats.round(windowSeconds, 2));
            report.put(key, count);
            report.rate(key + "_per_s", perSecond(count));
            more.forEach(report::put);
            report.put("latency_us", recorder.latency().summary());
            report.put("connect_latency_us", connectLatency.summary());
            report.put("accounting", recorder.accounting());
            report.put("cpu", cpu);
            long errors = recorder.errors();
            return report.verdict(errors == 0 && count > 0 && aliveAtEnd == wanted, errors);
        }
    }

    ClosedLoop(Options options, Target target, int inFlight, boolean stream) {
        this.options = options;
        this.target = target;
        this.inFlight = inFlight;
        this.stream = stream;
    }

    Result run() throws Exception {
        try (Connector connector = new Connector(target, options)) {
            List<Session> sessions = open(connector);
            if (sessions.isEmpty()) {
                return new Result(recorder, connectLatency, options.connections(), 0, 0, 0, Map.of());
            }
            long tick = Math.max(20, Math.min(1000, options.reqTimeout().toMillis() / 4));
            for (Session s : sessions) {
                s.context().runOnContext(v -> {
                    connector.vertx().setPeriodic(tick, id -> s.expire());
                    for (int i = 0; i < inFlight; i++) {
                        send(s);
                    }
                });
            }
            sleep(options.warmup());
            ProcessStats.Sample from = ProcessStats.sample(options.pids());
            recorder.measure(true);
            sleep(options.duration());
            recorder.measure(false);
            ProcessStats.Sample to = ProcessStats.sample(options.pids());
            stopping = true;
            drain();
            int alive = (int) sessions.stream().filter(s -> !s.dropped()).count();
            Session.closeAll(sessions);
            double window = (to.wallNanos() - from.wallNanos()) / 1e9;
            return new Result(recorder, connectLatency, options.connections(), sessions.size(), alive, window,
                    ProcessStats.cpu(from, to));
        }
    }

    private List<Session> open(Connector connector) throws InterruptedException {
        List<Session> sessions = new ArrayList<>();
        Protocol.Framing framing = Protocol.Framing.of(options.url().getRawPath());
        CountDownLatch done = new CountDownLatch(options.connections());
        for (int i = 0; i < options.connections(); i++) {
            String prefix = "m-" + i + "-";
            long start = System.nanoTime();
            connector.connect().onComplete(ar -> {
                if (ar.succeeded()) {
                    connectLatency.record(System.nanoTime() - start);
                    long timeout = options.reqTimeout().toNanos();
                    Ledger ledger = stream ? new StreamLedger(framing, recorder, timeout) : new UniqueTextLedger(framing, prefix, recorder, timeout);
                    Session s = new Session(connector.vertx(), ar.result(), ledger, recorder);
                    s.onEnded(n -> {
                        outstanding.addAndGet(-n);
                        for (int j = 0; j < n; j++) {
                            send(s);
                        }
                    });
                    synchronized (sessions) {
                        sessions.add(s);
                    }
                } else {
                    recorder.failure("connect: " + Connector.describe(ar.cause()));
                }
                done.countDown();
            });
        }
        done.await(options.connectTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        synchronized (sessions) {
            return new ArrayList<>(sessions);
        }
    }

    private void send(Session s) {
        if (!stopping && !s.dropped()) {
            outstanding.incrementAndGet();
            s.send();
        }
    }

    /** Lets the requests in flight at the end of the window finish, or expire. */
    private void drain() throws InterruptedException {
        long deadline = System.nanoTime() + options.reqTimeout().toNanos() + TimeUnit.SECONDS.toNanos(2);
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static void sleep(Duration d) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(d.toNanos());
    }
}
