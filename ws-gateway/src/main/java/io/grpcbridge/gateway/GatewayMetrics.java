package io.grpcbridge.gateway;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** Every meter the gateway exposes, named in one place (Prometheus names in the comments). */
@Singleton
public class GatewayMetrics {

    private final MeterRegistry registry;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger streams = new AtomicInteger();
    private final AtomicInteger pendingInputs = new AtomicInteger();
    private final AtomicInteger unwrittenFrames = new AtomicInteger();
    private final Counter framesReceived;
    private final Counter framesSent;
    private final Timer firstOutput;
    private final Map<String, Counter> errorFrames = new ConcurrentHashMap<>();
    private final Map<Integer, Counter> closes = new ConcurrentHashMap<>();
    private final Map<Integer, Counter> refusals = new ConcurrentHashMap<>();

    GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        // gateway_connections_active: open WebSockets on /ws.
        Gauge.builder("gateway.connections.active", connections, AtomicInteger::get).register(registry);
        // gateway_streams_active: open Chat.BidStream calls, one per socket at most.
        Gauge.builder("gateway.streams.active", streams, AtomicInteger::get).register(registry);
        // gateway_inputs_pending: inputs accepted, waiting for the gRPC call to be ready (all sockets).
        Gauge.builder("gateway.inputs.pending", pendingInputs, AtomicInteger::get).register(registry);
        // gateway_frames_unwritten: frames handed to sockets, not yet written to the kernel (all sockets).
        Gauge.builder("gateway.frames.unwritten", unwrittenFrames, AtomicInteger::get).register(registry);
        // gateway_frames_received_total / gateway_frames_sent_total
        framesReceived = Counter.builder("gateway.frames.received").register(registry);
        framesSent = Counter.builder("gateway.frames.sent").register(registry);
        // gateway_first_output_seconds: from an input to the first output after it (the round trip
        // through chat-service as a user feels it), for inputs that arrive while no output is due.
        firstOutput = Timer.builder("gateway.first.output")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    void connectionOpened() {
        connections.incrementAndGet();
    }

    void connectionClosed() {
        connections.decrementAndGet();
    }

    int activeConnections() {
        return connections.get();
    }

    /** gateway_upgrades_refused_total{status}: handshakes refused (403 origin, 503 cap or draining). */
    void upgradeRefused(int status) {
        refusals.computeIfAbsent(status,
                s -> Counter.builder("gateway.upgrades.refused").tag("status", String.valueOf(s)).register(registry)).increment();
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

    void firstOutputAfter(long nanos) {
        firstOutput.record(nanos, TimeUnit.NANOSECONDS);
    }

    void frameReceived() {
        framesReceived.increment();
    }

    void frameSent() {
        framesSent.increment();
    }

    /** gateway_error_frames_total{code}: error frames sent, by gRPC status name. */
    void errorFrameSent(String code) {
        errorFrames.computeIfAbsent(code,
                c -> Counter.builder("gateway.error.frames").tag("code", c).register(registry)).increment();
    }

    /** gateway_closes_total{code}: sockets closed by the gateway, by close code. */
    void closedWith(int code) {
        closes.computeIfAbsent(code,
                c -> Counter.builder("gateway.closes").tag("code", String.valueOf(c)).register(registry)).increment();
    }
}
