package io.grpcbridge.testing;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

import io.grpc.BindableService;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.grpcbridge.showcase.CountRequest;
import io.grpcbridge.showcase.Everything;
import io.grpcbridge.showcase.Line;
import io.grpcbridge.showcase.Number;
import io.grpcbridge.showcase.ShowcaseGrpc;
import io.grpcbridge.showcase.Tick;
import io.grpcbridge.showcase.Total;

/**
 * The {@code showcase.Showcase} service (showcase.proto): one method of each kind, written against
 * grpc-java's own API so that each of its flow-control steps is explicit. Its counters and the
 * delay that makes {@code Sum} a slow consumer are what tests of a bridge's pacing look at; the
 * interval between {@code Count}'s ticks makes a stream that lasts.
 * The call metadata it sends is {@link ShowcaseMetadata}'s.
 */
public final class ShowcaseService implements BindableService, ShowcaseGrpc.AsyncService {

    private final ScheduledExecutorService scheduler;
    private final AtomicLong ticksSent = new AtomicLong();
    private final AtomicLong numbersReceived = new AtomicLong();
    private volatile Duration sumDelay = Duration.ZERO;
    private volatile Duration tickInterval = Duration.ZERO;

    /** @param scheduler where {@code Sum} waits its delay before asking for the next number, and {@code Count} its interval */
    public ShowcaseService(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public ServerServiceDefinition bindService() {
        return ServerInterceptors.intercept(ShowcaseGrpc.bindService(this), new ShowcaseMetadata());
    }

    /** Ticks every {@code Count} call has sent so far. */
    public long ticksSent() {
        return ticksSent.get();
    }

    /** Numbers every {@code Sum} call has received so far. */
    public long numbersReceived() {
        return numbersReceived.get();
    }

    /** How long {@code Sum} waits after each number before it asks for the next. */
    public Duration sumDelay() {
        return sumDelay;
    }

    /** Makes {@code Sum} wait this long after each number (calls in progress too); zero by default. */
    public void setSumDelay(Duration delayPerNumber) {
        if (delayPerNumber.isNegative()) {
            throw new IllegalArgumentException("negative delay " + delayPerNumber);
        }
        this.sumDelay = delayPerNumber;
    }

    /** Makes the {@code Count} calls started from now on wait this long after each tick; zero by default. */
    public void setTickInterval(Duration interval) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("negative interval " + interval);
        }
        this.tickInterval = interval;
    }

    @Override
    public void echo(Everything request, StreamObserver<Everything> response) {
        if (request.getFailWith().isEmpty()) {
            response.onNext(request);
            response.onCompleted();
        } else {
            response.onError(requestedFailure(request.getFailWith()).asRuntimeException());
        }
    }

    @Override
    public void count(CountRequest request, StreamObserver<Tick> ticks) {
        if (request.getCount() < 0 || request.getPaddingBytes() < 0) {
            ticks.onError(Status.INVALID_ARGUMENT.withDescription("count and padding_bytes must not be negative")
                    .asRuntimeException());
        } else {
            TickStream.start(request, (ServerCallStreamObserver<Tick>) ticks, ticksSent, scheduler, tickInterval);
        }
    }

    @Override
    public StreamObserver<Number> sum(StreamObserver<Total> total) {
        return Summation.start((ServerCallStreamObserver<Total>) total, scheduler, this::sumDelay, numbersReceived);
    }

    @Override
    public StreamObserver<Line> converse(StreamObserver<Line> answers) {
        return Conversation.start((ServerCallStreamObserver<Line>) answers);
    }

    /** The status {@code fail_with} names, or INVALID_ARGUMENT when it names none or OK. */
    private static Status requestedFailure(String codeName) {
        return Arrays.stream(Status.Code.values())
                .filter(code -> code != Status.Code.OK && code.name().equals(codeName))
                .findFirst()
                .map(code -> Status.fromCode(code).withDescription("asked to fail"))
                .orElseGet(() -> Status.INVALID_ARGUMENT
                        .withDescription("fail_with names no gRPC status code other than OK: " + codeName));
    }
}
