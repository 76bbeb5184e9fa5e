package io.grpcbridge.gateway;

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
        // gateway_connections_active: open WebSockets on /ws.
        track(Gauge.builder("gateway.connections.active", connections, AtomicInteger::get).register(registry));
        // gateway_streams_active: open Chat.BidStream calls, one per socket at most.
        track(Gauge.builder("gateway.streams.active", streams, AtomicInteger::get).register(registry));
        // gateway_inputs_pending: messages read from sockets and not yet taken by their calls (all sockets).
        track(Gauge.builder("gateway.inputs.pending", pendingInputs, AtomicInteger::get).register(registry));
        // gateway_frames_unwritten: frames handed to sockets, not yet written to the kernel (all sockets).
        track(Gauge.builder("gateway.frames.unwritten", unwrittenFrames, AtomicInteger::get).register(registry));
        // gateway_memory_held_bytes: what the two above hold, in bytes, against gateway.memory.budget-bytes.
        track(Gauge.builder("gateway.memory.held", budget, MemoryBudget::held).baseUnit("bytes").register(registry));
        // gateway_memory_held_peak_bytes: the most the gateway has held at once since it started.
        track(Gauge.builder("gateway.memory.held.peak", budget, MemoryBudget::peak).baseUnit("bytes").register(registry));
        // gateway_sockets_paused: sockets whose connection the gateway does not read now (paced).
        track(Gauge.builder("gateway.sockets.paused", pausedSockets, AtomicInteger::get).register(registry));
        // gateway_reads_paused_total{reason}: times a socket stopped being read, by why (window, unwritten, rate, budget).
        for (StreamBridge.Pause reason : StreamBridge.Pause.values()) {
            pauses.put(reason, track(Counter.builder("gateway.reads.paused")
                    .tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT)).register(registry)));
        }
        // gateway_input_window_peak_bytes: per socket, at its end, the most its input window held
        // (messages read and not yet taken by its call); against gateway.socket.input-window-bytes.
        inputWindowPeaks = track(DistributionSummary.builder("gateway.input.window.peak").baseUnit("bytes").register(registry));
        // gateway_memory_evictions_total: sockets closed 1008 because the gateway was over its memory budget.
        track(FunctionCounter.builder("gateway.memory.evictions", budget, MemoryBudget::evictions).register(registry));
        // gateway_peers_silent_total: connections dropped after gateway.socket.peer-timeout without a byte.
        silentPeers = track(Counter.builder("gateway.peers.silent").register(registry));
        // gateway_frames_received_total / gateway_frames_sent_total
        framesReceived = track(Counter.builder("gateway.frames.received").register(registry));
        framesSent = track(Counter.builder("gateway.frames.sent").register(registry));
        // gateway_first_output_seconds: from an input to the first output after it (the round trip
        // through chat-service as a user feels it), for inputs that arrive while no output is due.
        firstOutput = track(Timer.builder("gateway.first.output")
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

    void connectionOpened() {
        connections.incrementAndGet();
    }

    void connectionClosed() {
        connections.decrementAndGet();
    }

    /**
     * gateway_upgrades_refused_total{status}: handshakes refused (401 no valid token, 403 origin,
     * 503 at the connection cap, draining, or chat-service unreachable).
     */
    void upgradeRefused(int status) {
        refusalCounter(status).increment();
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

    void peerSilent() {
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
                s -> track(Counter.builder("gateway.upgrades.refused").tag("status", String.valueOf(s)).register(registry)));
    }

    private Counter closeCounter(int code) {
        return closes.computeIfAbsent(code,
                c -> track(Counter.builder("gateway.closes").tag("code", String.valueOf(c)).register(registry)));
    }

    private Counter errorFrameCounter(String code) {
        return errorFrames.computeIfAbsent(code,
                c -> track(Counter.builder("gateway.error.frames").tag("code", c).register(registry)));
    }
}
