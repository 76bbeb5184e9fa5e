package io.grpcbridge.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * c connections with k requests in flight each (on a session: on each of its calls): every request
 * that ends (answered, lost or failed) is replaced at once by the next, on the same socket and call,
 * on the same event loop. Latency mode is this with k = 1.
 */
final class ClosedLoop {

    private final Options options;
    private final Target target;
    private final int inFlight;
    private final boolean stream;
    private final Recorder recorder;
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
        this.recorder = new Recorder(options.session());
    }

    Result run() throws Exception {
        try (Connector connector = new Connector(target, options)) {
            List<LoopSocket> sockets = open(connector);
            if (sockets.isEmpty()) {
                return new Result(recorder, connectLatency, options.connections(), 0, 0, 0, Map.of());
            }
            long tick = Math.max(20, Math.min(1000, options.reqTimeout().toMillis() / 4));
            for (LoopSocket s : sockets) {
                s.context().runOnContext(v -> {
                    connector.vertx().setPeriodic(tick, id -> s.expire());
                    for (int lane = 0; lane < s.lanes(); lane++) {
                        for (int i = 0; i < inFlight; i++) {
                            send(s, lane);
                        }
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
            int alive = (int) sockets.stream().filter(s -> !s.dropped()).count();
            LoopSocket.closeAll(sockets);
            double window = (to.wallNanos() - from.wallNanos()) / 1e9;
            return new Result(recorder, connectLatency, options.connections(), sockets.size(), alive, window,
                    ProcessStats.cpu(from, to));
        }
    }

    private List<LoopSocket> open(Connector connector) throws InterruptedException {
        List<LoopSocket> sockets = new ArrayList<>();
        Protocol.Framing framing = Protocol.Framing.of(options.url().getRawPath());
        long timeout = options.reqTimeout().toNanos();
        // The browser library's 32, or twice the responses a call's requests in flight can have due:
        // response credit never holds a call back.
        int responseWindow = Math.max(SessionCall.DEFAULT_WINDOW, 2 * inFlight * (stream ? Protocol.STREAM_OUTPUTS : 1));
        CountDownLatch done = new CountDownLatch(options.connections());
        for (int i = 0; i < options.connections(); i++) {
            String prefix = "m-" + i + "-";
            long start = System.nanoTime();
            connector.connect().onComplete(ar -> {
                if (ar.succeeded()) {
                    connectLatency.record(System.nanoTime() - start);
                    LoopSocket s = options.session()
                            ? new SessionSocket(connector.vertx(), ar.result(), options.calls(),
                                    call -> ledger(framing, prefix + call + "-", timeout), responseWindow, recorder)
                            : new CallSocket(connector.vertx(), ar.result(), ledger(framing, prefix, timeout), recorder);
                    s.onEnded((lane, n) -> {
                        outstanding.addAndGet(-n);
                        for (int j = 0; j < n; j++) {
                            send(s, lane);
                        }
                    });
                    synchronized (sockets) {
                        sockets.add(s);
                    }
                } else {
                    recorder.failure("connect: " + Connector.describe(ar.cause()));
                }
                done.countDown();
            });
        }
        done.await(options.connectTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        synchronized (sockets) {
            return new ArrayList<>(sockets);
        }
    }

    /** A socket's ledger, or a session call's: outputs {@code 服务端返回: <prefix><seq>}, or streams. */
    private Ledger ledger(Protocol.Framing framing, String prefix, long timeout) {
        return stream ? new StreamLedger(framing, recorder, timeout) : new UniqueTextLedger(framing, prefix, recorder, timeout);
    }

    private void send(LoopSocket s, int lane) {
        if (!stopping && s.sends(lane)) {
            outstanding.incrementAndGet();
            s.send(lane);
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
