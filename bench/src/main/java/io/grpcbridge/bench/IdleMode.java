package io.grpcbridge.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Opens n quiet sockets at a steady rate, holds them, then checks that each still answers one
 * round trip; reads the resident memory of the processes under test on the way.
 */
final class IdleMode implements LoadMode {

    @Override
    public Report run(Options o, Target target) throws Exception {
        Map<String, Object> parameters = Report.map(
                "sockets", o.count(), "rate_per_s", o.rate(), "hold_s", o.hold().toMillis() / 1000.0,
                "settle_s", o.settle().toMillis() / 1000.0, "req_timeout_s", o.reqTimeout().toMillis() / 1000.0);
        List<Long> pids = new ArrayList<>(o.pids());
        pids.add(ProcessStats.self());
        Recorder recorder = new Recorder();
        recorder.measure(true);
        LatencyHistogram connectLatency = new LatencyHistogram();
        Map<Long, Map<String, Object>> rss = new LinkedHashMap<>();
        pids.forEach(pid -> rss.put(pid, Report.map("pid", pid, "self", pid == ProcessStats.self(),
                "before_kib", ProcessStats.rssKib(pid))));

        try (Connector connector = new Connector(target, o)) {
            ProcessStats.Sample from = ProcessStats.sample(o.pids());
            long rampStart = System.nanoTime();
            List<CallSocket> sockets = open(o, connector, recorder, connectLatency);
            double rampSeconds = (System.nanoTime() - rampStart) / 1e9;
            TimeUnit.NANOSECONDS.sleep(o.settle().toNanos());
            rss.forEach((pid, m) -> m.put("after_ramp_kib", ProcessStats.rssKib(pid)));
            TimeUnit.NANOSECONDS.sleep(o.hold().toNanos());
            rss.forEach((pid, m) -> m.put("end_of_hold_kib", ProcessStats.rssKib(pid)));
            long dropped = sockets.stream().filter(CallSocket::dropped).count();
            long answered = answer(o, sockets);
            LoopSocket.closeAll(sockets);
            TimeUnit.NANOSECONDS.sleep(o.settle().toNanos());
            rss.forEach((pid, m) -> m.put("after_close_kib", ProcessStats.rssKib(pid)));
            ProcessStats.Sample to = ProcessStats.sample(o.pids());

            int opened = sockets.size();
            rss.values().forEach(m -> m.put("kib_per_socket", perSocket(m, opened)));
            Report report = new Report(o, parameters);
            report.put("opened", opened);
            report.put("refused", o.count() - opened);
            report.put("dropped_while_idle", dropped);
            report.put("answered", answered);
            report.put("ramp_s", ProcessStats.round(rampSeconds, 2));
            report.rate("opened_per_s", ProcessStats.round(opened / rampSeconds, 1));
            report.put("connect_latency_us", connectLatency.summary());
            report.put("latency_us", recorder.latency().summary());
            report.put("rss", new ArrayList<>(rss.values()));
            report.put("accounting", recorder.accounting());
            report.put("cpu", ProcessStats.cpu(from, to));
            long errors = recorder.errors();
            return report.verdict(errors == 0 && opened == o.count() && answered == opened, errors);
        }
    }

    /** Connects at the given rate; returns the sockets that opened. */
    private static List<CallSocket> open(Options o, Connector connector, Recorder recorder, LatencyHistogram latency)
            throws InterruptedException {
        List<CallSocket> sockets = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(o.count());
        long start = System.nanoTime();
        for (int i = 0; i < o.count(); i++) {
            long due = start + (long) (i * 1e9 / o.rate());
            while (System.nanoTime() < due) {
                LockSupport.parkNanos(due - System.nanoTime());
            }
            String prefix = "i-" + i + "-";
            long t0 = System.nanoTime();
            connector.connect().onComplete(ar -> {
                if (ar.succeeded()) {
                    latency.record(System.nanoTime() - t0);
                    CallSocket s = new CallSocket(connector.vertx(), ar.result(),
                            new UniqueTextLedger(Protocol.Framing.of(o.url().getRawPath()), prefix, recorder, o.reqTimeout().toNanos()), recorder);
                    synchronized (sockets) {
                        sockets.add(s);
                    }
                } else {
                    recorder.failure("connect: " + Connector.describe(ar.cause()));
                }
                done.countDown();
            });
        }
        done.await(2 * o.connectTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        synchronized (sockets) {
            return new ArrayList<>(sockets);
        }
    }

    /** One round trip on every socket at once; returns how many were answered in time. */
    private static long answer(Options o, List<CallSocket> sockets) throws InterruptedException {
        AtomicLong answered = new AtomicLong();
        CountDownLatch done = new CountDownLatch(sockets.size());
        for (CallSocket s : sockets) {
            s.context().runOnContext(v -> s.roundTrip().onComplete(ar -> {
                if (ar.result()) {
                    answered.incrementAndGet();
                }
                done.countDown();
            }));
        }
        done.await(o.reqTimeout().toMillis() + 2000, TimeUnit.MILLISECONDS);
        return answered.get();
    }

    /** (RSS at the end of the hold − RSS before opening) / sockets opened. */
    private static Double perSocket(Map<String, Object> m, int opened) {
        long before = (Long) m.get("before_kib");
        long end = (Long) m.get("end_of_hold_kib");
        return opened == 0 || before < 0 || end < 0 ? null : ProcessStats.round((double) (end - before) / opened, 2);
    }
}
