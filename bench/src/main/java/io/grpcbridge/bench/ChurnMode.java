package io.grpcbridge.bench;

import io.grpcbridge.bench.Options.CloseMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Cycles of connect, one round trip, close; c at a time. --close both runs all cycles with a
 * close handshake, then all again dropping TCP, and reports each and the mean of their rates.
 */
final class ChurnMode implements LoadMode {

    @Override
    public Report run(Options o, Target target) throws Exception {
        Map<String, Object> parameters = Report.map(
                "cycles", o.count(), "concurrency", o.connections(),
                "close", o.close().name().toLowerCase(), "close_wait_s", o.closeWait().toMillis() / 1000.0,
                "req_timeout_s", o.reqTimeout().toMillis() / 1000.0);
        Report report = new Report(o, parameters);
        if (o.close() != CloseMode.BOTH) {
            Phase p = new Phase(o, target, o.close() == CloseMode.ABRUPT).run();
            p.figures().forEach(report::put);
            report.put("rate", "cycles_per_s");
            return report.verdict(p.ok(), p.errors());
        }
        Phase normal = new Phase(o, target, false).run();
        Phase abrupt = new Phase(o, target, true).run();
        report.put("phases", Report.map("normal", normal.figures(), "abrupt", abrupt.figures()));
        report.rate("cycles_per_s_mean", ProcessStats.round((normal.rate() + abrupt.rate()) / 2, 1));
        return report.verdict(normal.ok() && abrupt.ok(), normal.errors() + abrupt.errors());
    }

    /** n cycles closed one way. */
    private static final class Phase {
        private final Options o;
        private final Target target;
        private final boolean abrupt;
        private final Recorder recorder = new Recorder();
        private final LatencyHistogram cycle = new LatencyHistogram();
        private final LatencyHistogram connect = new LatencyHistogram();
        private final AtomicInteger started = new AtomicInteger();
        private final AtomicLong okCycles = new AtomicLong();
        private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        private CountDownLatch workers;
        private Connector connector;
        private double seconds;
        private Map<String, Object> cpu;

        Phase(Options o, Target target, boolean abrupt) {
            this.o = o;
            this.target = target;
            this.abrupt = abrupt;
        }

        Phase run() throws Exception {
            try (Connector c = new Connector(target, o)) {
                connector = c;
                recorder.measure(true);
                workers = new CountDownLatch(o.connections());
                ProcessStats.Sample from = ProcessStats.sample(o.pids());
                for (int i = 0; i < o.connections(); i++) {
                    next();
                }
                workers.await();
                ProcessStats.Sample to = ProcessStats.sample(o.pids());
                seconds = (to.wallNanos() - from.wallNanos()) / 1e9;
                cpu = ProcessStats.cpu(from, to);
            }
            return this;
        }

        /** Starts the next cycle, or ends this worker when all are started. */
        private void next() {
            int i = started.getAndIncrement();
            if (i >= o.count()) {
                workers.countDown();
                return;
            }
            long t0 = System.nanoTime();
            connector.connect().onComplete(ar -> {
                if (ar.failed()) {
                    recorder.failure("connect: " + Connector.describe(ar.cause()));
                    next();
                    return;
                }
                connect.record(System.nanoTime() - t0);
                CallSocket s = new CallSocket(connector.vertx(), ar.result(),
                        new UniqueTextLedger(Protocol.Framing.of(o.url().getRawPath()), "c-" + i + "-", recorder, o.reqTimeout().toNanos()), recorder);
                s.roundTrip().onComplete(answered -> {
                    if (!answered.result()) {
                        s.drop();
                        next();
                    } else if (abrupt) {
                        s.drop();
                        done(t0, "abrupt");
                    } else {
                        closeNormally(s, t0);
                    }
                });
            });
        }

        private void closeNormally(CallSocket s, long t0) {
            AtomicInteger once = new AtomicInteger();
            long timer = connector.vertx().setTimer(o.closeWait().toMillis(), id -> {
                if (once.getAndIncrement() == 0) {
                    s.drop();
                    done(t0, "no close within close-wait");
                }
            });
            s.close().onComplete(v -> {
                if (once.getAndIncrement() == 0) {
                    connector.vertx().cancelTimer(timer);
                    Short code = s.closeStatus();
                    done(t0, code == null ? "closed without close frame" : "clean " + code);
                }
            });
        }

        private void done(long t0, String outcome) {
            cycle.record(System.nanoTime() - t0);
            outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
            if (outcome.equals("abrupt") || outcome.startsWith("clean")) {
                okCycles.incrementAndGet();
            } else {
                recorder.failure("close: " + outcome);
            }
            next();
        }

        double rate() {
            return seconds > 0 ? ProcessStats.round(okCycles.get() / seconds, 1) : 0;
        }

        long errors() {
            return recorder.errors();
        }

        boolean ok() {
            return errors() == 0 && okCycles.get() == o.count();
        }

        Map<String, Object> figures() {
            Map<String, Object> closes = new TreeMap<>();
            outcomes.forEach((k, v) -> closes.put(k, v.sum()));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("close", abrupt ? "abrupt" : "normal");
            m.put("ok_cycles", okCycles.get());
            m.put("failed_cycles", o.count() - okCycles.get());
            m.put("elapsed_s", ProcessStats.round(seconds, 2));
            m.put("cycles_per_s", rate());
            m.put("close_outcomes", closes);
            m.put("latency_us", cycle.summary());
            m.put("connect_latency_us", connect.summary());
            m.put("round_trip_latency_us", recorder.latency().summary());
            m.put("accounting", recorder.accounting());
            m.put("cpu", cpu);
            return m;
        }
    }
}
