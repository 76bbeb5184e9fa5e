package io.grpcbridge.testing;

import java.util.concurrent.atomic.AtomicLong;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpcbridge.showcase.CountRequest;
import io.grpcbridge.showcase.Tick;

/**
 * One {@code Count} call. It sends a tick only while the call is ready for one
 * ({@link ServerCallStreamObserver#isReady()}) and resumes when it becomes ready again, so a client
 * that reads slowly holds it back instead of making it buffer every tick.
 * <p>
 * grpc-java runs the call's callbacks (the invocation, on-ready, on-cancel) one at a time, so the
 * plain fields need no locking.
 */
final class TickStream {

    private final ServerCallStreamObserver<Tick> ticks;
    private final int count;
    private final String padding;
    private final AtomicLong ticksSent;
    private int next;
    private boolean cancelled;
    private boolean completed;

    private TickStream(CountRequest request, ServerCallStreamObserver<Tick> ticks, AtomicLong ticksSent) {
        this.ticks = ticks;
        this.count = request.getCount();
        this.padding = "x".repeat(request.getPaddingBytes());
        this.ticksSent = ticksSent;
    }

    /** Starts sending the ticks {@code request} asks for; counts each one sent in {@code ticksSent}. */
    static void start(CountRequest request, ServerCallStreamObserver<Tick> ticks, AtomicLong ticksSent) {
        TickStream stream = new TickStream(request, ticks, ticksSent);
        ticks.setOnCancelHandler(() -> stream.cancelled = true);
        ticks.setOnReadyHandler(stream::sendWhileReady);
        stream.sendWhileReady();
    }

    private void sendWhileReady() {
        while (next < count && !cancelled && ticks.isReady()) {
            ticks.onNext(Tick.newBuilder().setIndex(next++).setPadding(padding).build());
            ticksSent.incrementAndGet();
        }
        if (next == count && !cancelled && !completed) {
            completed = true;
            ticks.onCompleted();
        }
    }
}
