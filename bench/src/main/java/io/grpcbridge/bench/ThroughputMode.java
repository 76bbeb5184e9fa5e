package io.grpcbridge.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Closed loop with k requests in flight per connection (with --session: per call, on each of its
 * calls); with --stream each request asks for ten outputs.
 */
final class ThroughputMode implements LoadMode {

    @Override
    public Report run(Options o, Target target) throws Exception {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("connections", o.connections());
        parameters.put("in_flight", o.inFlight());
        parameters.put("stream", o.stream());
        parameters.put("session", o.session());
        if (o.session()) {
            parameters.put("calls", o.calls());
        }
        parameters.put("warmup_s", o.warmup().toMillis() / 1000.0);
        parameters.put("duration_s", o.duration().toMillis() / 1000.0);
        parameters.put("req_timeout_s", o.reqTimeout().toMillis() / 1000.0);
        ClosedLoop.Result r = new ClosedLoop(o, target, o.inFlight(), o.stream()).run();
        Recorder rec = r.recorder();
        if (!o.stream()) {
            return r.report(new Report(o, parameters), "round trips", rec.completedInWindow(), Map.of());
        }
        return r.report(new Report(o, parameters), "outputs", rec.outputsInWindow(), Report.map(
                "streams_completed", rec.completedInWindow(),
                "streams_per_s", r.perSecond(rec.completedInWindow()),
                "first_output_latency_us", rec.firstOutputLatency().summary()));
    }
}
