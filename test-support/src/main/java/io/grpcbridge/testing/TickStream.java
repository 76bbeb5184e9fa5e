package io.grpcbridge.testing;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpcbridge.showcase.CountRequest;
import io.grpcbridge.showcase.Tick;

/**
 * One {@code Count} call. It sends a tick only while the call is ready for one
 * ({@link ServerCallStreamObserver#isReady()}) and resumes when it becomes ready again, so a client
 * that reads slowly holds it back instead of making it buffer every tick. With an interval, it also
 * waits that long after each tick: a stream that lasts, for tests that do something to it meanwhile.
 * <p>
 * grpc-java runs the call's callbacks (the invocation, on-ready, on-cancel) one at a time, but the
 * tick after an interval is sent from the scheduler's thread: the methods that touch the fields are
 * synchronized.
 */
final class TickStream {

    private final ServerCallStreamObserver<Tick> ticks;
    private final int count;
    private final String padding;
    private final AtomicLong ticksSent;
    private final ScheduledExecutorService scheduler;
    private final Duration interval;
    private int next;
    private boolean cancelled;
    private boolean completed;
    /** The interval after the last tick has not passed yet. */
    private boolean waiting;

    private TickStream(CountRequest request, ServerCallStreamObserver<Tick> ticks, AtomicLong ticksSent,
            ScheduledExecutorService scheduler, Duration interval) {
        this.ticks = ticks;
        this.count = request.getCount();
        this.padding = "x".repeat(request.getPaddingBytes());
        this.ticksSent = ticksSent;
        this.scheduler = scheduler;
        this.interval = interval;
    }

    /**
     * Starts sending the ticks {@code request} asks for, {@code interval} apart (zero: as fast as the
     * call takes them, the scheduler unused); counts each one sent in {@code ticksSent}.
     */
    static void start(CountRequest request, ServerCallStreamObserver<Tick> ticks, AtomicLong ticksSent,
            ScheduledExecutorService scheduler, Duration interval) {
        TickStream stream = new TickStream(request, ticks, ticksSent, scheduler, interval);
        ticks.setOnCancelHandler(stream::cancelled);
        ticks.setOnReadyHandler(stream::sendWhileReady);
        stream.sendWhileReady();
    }

    private synchronized void cancelled() {
        cancelled = true;
    }

    private synchronized void intervalPassed() {
        waiting = false;
        sendWhileReady();
    }

    private synchronized void sendWhileReady() {
        while (next < count && !cancelled && !waiting && ticks.isReady()) {
            ticks.onNext(Tick.newBuilder().setIndex(next++).setPadding(padding).build());
            ticksSent.incrementAndGet();
            if (!interval.isZero() && next < count) {
                waiting = true;
                scheduler.schedule(this::intervalPassed, interval.toNanos(), TimeUnit.NANOSECONDS);
            }
        }
        if (next == count && !cancelled && !completed) {
            completed = true;
            ticks.onCompleted();
        }
    }
}
