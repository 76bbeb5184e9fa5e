package io.grpcbridge.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** Strict ping-pong: each connection (with --session: its one call) sends its next input only when the last one is answered. */
final class LatencyMode implements LoadMode {

    @Override
    public Report run(Options o, Target target) throws Exception {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("connections", o.connections());
        parameters.put("session", o.session());
        parameters.put("warmup_s", o.warmup().toMillis() / 1000.0);
        parameters.put("duration_s", o.duration().toMillis() / 1000.0);
        parameters.put("req_timeout_s", o.reqTimeout().toMillis() / 1000.0);
        ClosedLoop.Result r = new ClosedLoop(o, target, 1, false).run();
        return r.report(new Report(o, parameters), "round trips", r.recorder().completedInWindow(), Map.of());
    }
}
