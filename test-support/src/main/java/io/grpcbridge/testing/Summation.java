package io.grpcbridge.testing;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.grpcbridge.showcase.Number;
import io.grpcbridge.showcase.Total;

/**
 * One {@code Sum} call, a consumer as slow as the service's delay makes it: it asks for each number
 * only after it has handled the one before and waited that delay, so a client that sends faster
 * fills gRPC's flow-control window and is held back (or, at a gateway, must be).
 * <p>
 * grpc-java delivers the call's messages one at a time, each only after it was requested, so the
 * plain fields need no locking.
 */
final class Summation implements StreamObserver<Number> {

    private final ServerCallStreamObserver<Total> total;
    private final ScheduledExecutorService scheduler;
    private final Supplier<Duration> delayPerNumber;
    private final AtomicLong numbersReceived;
    private long sum;
    private long count;
    private long last = Long.MIN_VALUE;
    private boolean ascending = true;

    private Summation(ServerCallStreamObserver<Total> total, ScheduledExecutorService scheduler,
            Supplier<Duration> delayPerNumber, AtomicLong numbersReceived) {
        this.total = total;
        this.scheduler = scheduler;
        this.delayPerNumber = delayPerNumber;
        this.numbersReceived = numbersReceived;
    }

    /**
     * Takes over the call's inbound flow control and asks for the first number; must run in the
     * method's invocation, which returns the summation as the call's request observer.
     */
    static Summation start(ServerCallStreamObserver<Total> total, ScheduledExecutorService scheduler,
            Supplier<Duration> delayPerNumber, AtomicLong numbersReceived) {
        total.disableAutoRequest();
        total.request(1);
        return new Summation(total, scheduler, delayPerNumber, numbersReceived);
    }

    @Override
    public void onNext(Number number) {
        sum += number.getValue();
        count++;
        ascending &= number.getValue() > last;
        last = number.getValue();
        numbersReceived.incrementAndGet();
        Duration delay = delayPerNumber.get();
        if (delay.isZero()) {
            total.request(1);
        } else {
            scheduler.schedule(() -> total.request(1), delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void onError(Throwable cancelled) {
        // The client went away: there is no one to send the total to.
    }

    @Override
    public void onCompleted() {
        total.onNext(Total.newBuilder().setSum(sum).setCount(count).setAscending(ascending).build());
        total.onCompleted();
    }
}
