package io.grpcbridge.gateway.socket;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import io.quarkus.runtime.Startup;

import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Every meter the gateway exposes, named in one place (Prometheus names in the comments). All are
 * registered at startup, counters with a tag for every value the gateway itself produces, so that a
 * scraper (and a test) sees them at 0 before they first move.
 */
@Startup
@Singleton
public class GatewayMetrics {

    private final MeterRegistry registry;
    private final List<Meter> meters = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger streams = new AtomicInteger();
    private final AtomicInteger pendingInputs = new AtomicInteger();
    private final AtomicInteger unwrittenFrames = new AtomicInteger();
    private final AtomicInteger pausedSockets = new AtomicInteger();
    private final AtomicInteger sessions = new AtomicInteger();
    private final Counter sessionCalls;
    private final Counter sessionsResumed;
    private final Counter sessionsExpired;
    private final Counter framesReplayed;
    private final Map<StreamBridge.Pause, Counter> pauses = new java.util.EnumMap<>(StreamBridge.Pause.class);
    private final Counter framesReceived;
    private final Counter framesSent;
    private final Counter silentPeers;
    private final Timer firstOutput;
    private final DistributionSummary inputWindowPeaks;
    private final Map<String, Counter> errorFrames = new ConcurrentHashMap<>();
    private final Map<Integer, Counter> closes = new ConcurrentHashMap<>();
    private final Map<Integer, Counter> refusals = new ConcurrentHashMap<>();

    GatewayMetrics(MeterRegistry registry, MemoryBudget budget) {
        this.registry = registry;
        // The Prometheus name of each meter is in its comment; its description is the HELP line.
        // gateway_connections_active
        track(Gauge.builder("gateway.connections.active", connections, AtomicInteger::get)
                .description("Open WebSockets: on /ws, on method sockets and sessions").register(registry));
        // gateway_streams_active
        track(Gauge.builder("gateway.streams.active", streams, AtomicInteger::get)
                .description("Open gRPC calls to the backends: one per socket at most, any number per session").register(registry));
        // gateway_sessions_active
        track(Gauge.builder("gateway.sessions.active", sessions, AtomicInteger::get)
                .description("Open protocol v2 sessions (/session), each carrying any number of calls").register(registry));
        // gateway_session_calls_total
        sessionCalls = track(Counter.builder("gateway.session.calls")
                .description("Calls opened on sessions; divided by the sessions opened, the calls per session").register(registry));
        // gateway_sessions_resumed_total / gateway_sessions_expired_total / gateway_session_frames_replayed_total
        sessionsResumed = track(Counter.builder("gateway.sessions.resumed")
                .description("Sessions that went on on a new socket after losing theirs").register(registry));
        sessionsExpired = track(Counter.builder("gateway.sessions.expired")
                .description("Sessions whose client did not come back within gateway.session.resume-window: their calls cancelled")
                .register(registry));
        framesReplayed = track(Counter.builder("gateway.session.frames.replayed")
                .description("Frames sent again to resumed sessions: those their client had not acknowledged").register(registry));
        // gateway_inputs_pending
        track(Gauge.builder("gateway.inputs.pending", pendingInputs, AtomicInteger::get)
                .description("Messages read from sockets and not yet taken by their calls, all sockets together").register(registry));
        // gateway_frames_unwritten
        track(Gauge.builder("gateway.frames.unwritten", unwrittenFrames, AtomicInteger::get)
                .description("Frames handed to sockets and not yet written to the kernel, all sockets together").register(registry));
        // gateway_memory_held_bytes
        track(Gauge.builder("gateway.memory.held", budget, MemoryBudget::held).baseUnit("bytes")
                .description("Bytes held for all sockets (input windows and unwritten frames), against gateway.memory.budget-bytes")
                .register(registry));
        // gateway_memory_held_peak_bytes
        track(Gauge.builder("gateway.memory.held.peak", budget, MemoryBudget::peak).baseUnit("bytes")
                .description("The most bytes held for all sockets at once since the gateway started").register(registry));
        // gateway_sockets_paused
        track(Gauge.builder("gateway.sockets.paused", pausedSockets, AtomicInteger::get)
                .description("Sockets the gateway does not read now: their call or their client is behind").register(registry));
        // gateway_reads_paused_total{reason}
        for (StreamBridge.Pause reason : StreamBridge.Pause.values()) {
            pauses.put(reason, track(Counter.builder("gateway.reads.paused")
                    .tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT))
                    .description("Times a socket stopped being read, by reason: window (its call is behind), unwritten "
                            + "(its client reads slowly), rate (over max-inputs-per-second), budget (memory over three quarters)")
                    .register(registry)));
        }
        // gateway_input_window_peak_bytes
        inputWindowPeaks = track(DistributionSummary.builder("gateway.input.window.peak").baseUnit("bytes")
                .description("Per socket, at its end, the most its input window held, against gateway.socket.input-window-bytes")
                .register(registry));
        // gateway_memory_evictions_total
        track(FunctionCounter.builder("gateway.memory.evictions", budget, MemoryBudget::evictions)
                .description("Sockets closed 1008 because the gateway was over its memory budget").register(registry));
        // gateway_peers_silent_total
        silentPeers = track(Counter.builder("gateway.peers.silent")
                .description("Connections dropped after gateway.socket.peer-timeout without a byte from the client").register(registry));
        // gateway_frames_received_total / gateway_frames_sent_total
        framesReceived = track(Counter.builder("gateway.frames.received")
                .description("WebSocket messages received from clients").register(registry));
        framesSent = track(Counter.builder("gateway.frames.sent")
                .description("WebSocket messages sent to clients").register(registry));
        // gateway_first_output_seconds: for inputs that arrive while no output is due.
        firstOutput = track(Timer.builder("gateway.first.output")
                .description("From an input to the first output after it: the round trip through the backend as a user feels it")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry));
        List.of(401, 403, 503).forEach(status -> refusalCounter(status));
        List.of(CloseRules.NORMAL, CloseRules.GOING_AWAY, CloseRules.POLICY_VIOLATION, CloseRules.MESSAGE_TOO_BIG,
                CloseRules.INTERNAL_ERROR, CloseRules.TRY_AGAIN_LATER).forEach(code -> closeCounter(code));
        List.of(Status.Code.INVALID_ARGUMENT, Status.Code.RESOURCE_EXHAUSTED, Status.Code.UNAVAILABLE)
                .forEach(code -> errorFrameCounter(code.name()));
    }

    public void connectionOpened() {
        connections.incrementAndGet();
    }

    public void connectionClosed() {
        connections.decrementAndGet();
    }

    /**
     * gateway_upgrades_refused_total{status}: handshakes refused (401 no valid token, 403 origin,
     * 503 at the connection cap, draining, or the backend unreachable).
     */
    public void upgradeRefused(int status) {
        refusalCounter(status).increment();
    }

    void sessionOpened() {
        sessions.incrementAndGet();
    }

    void sessionClosed() {
        sessions.decrementAndGet();
    }

    void sessionResumed() {
        sessionsResumed.increment();
    }

    void sessionExpired() {
        sessionsExpired.increment();
    }

    void framesReplayed(long count) {
        framesReplayed.increment(count);
    }

    void sessionCallOpened() {
        sessionCalls.increment();
    }

    void streamOpened() {
        streams.incrementAndGet();
    }

    void streamEnded() {
        streams.decrementAndGet();
    }

    void pendingInputs(int delta) {
        pendingInputs.addAndGet(delta);
    }

    void unwrittenFrames(int delta) {
        unwrittenFrames.addAndGet(delta);
    }

    void inputWindowPeak(long bytes) {
        inputWindowPeaks.record(bytes);
    }

    void readingPaused(StreamBridge.Pause reason) {
        pausedSockets.incrementAndGet();
        pauses.get(reason).increment();
    }

    void readingResumed() {
        pausedSockets.decrementAndGet();
    }

    void firstOutputAfter(long nanos) {
        firstOutput.record(nanos, TimeUnit.NANOSECONDS);
    }

    void frameReceived() {
        framesReceived.increment();
    }

    void frameSent() {
        framesSent.increment();
    }

    public void peerSilent() {
        silentPeers.increment();
    }

    /** gateway_error_frames_total{code}: error frames sent, by gRPC status name. */
    void errorFrameSent(String code) {
        errorFrameCounter(code).increment();
    }

    /** gateway_closes_total{code}: sockets closed by the gateway, by close code. */
    void closedWith(int code) {
        closeCounter(code).increment();
    }

    /**
     * Removes this instance's meters when the application stops. Micrometer's global registry
     * outlives a Quarkus application in the same JVM (tests restart it), and would otherwise hand
     * the next instance the old meters, bound to the old instance's counts.
     */
    @PreDestroy
    void removeMeters() {
        meters.forEach(registry::remove);
    }

    private <M extends Meter> M track(M meter) {
        meters.add(meter);
        return meter;
    }

    private Counter refusalCounter(int status) {
        return refusals.computeIfAbsent(status,
                s -> track(Counter.builder("gateway.upgrades.refused").tag("status", String.valueOf(s))
                        .description("Handshakes refused, by HTTP status: 401 no valid token, 403 origin, 404 unknown method, "
                                + "503 connection cap, draining or backend unreachable")
                        .register(registry)));
    }

    private Counter closeCounter(int code) {
        return closes.computeIfAbsent(code,
                c -> track(Counter.builder("gateway.closes").tag("code", String.valueOf(c))
                        .description("Sockets the gateway closed, by close code").register(registry)));
    }

    private Counter errorFrameCounter(String code) {
        return errorFrames.computeIfAbsent(code,
                c -> track(Counter.builder("gateway.error.frames").tag("code", c)
                        .description("Error frames sent, by gRPC status name").register(registry)));
    }
}
