package io.grpcbridge.gateway;

import java.util.ArrayDeque;
import java.util.concurrent.Flow;

import com.google.protobuf.MessageLite;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.helpers.Subscriptions;

/**
 * One socket's emitter of inputs: the request stream of its gRPC call, fed frame by frame by the
 * socket. Inputs the call has not asked for yet wait here, and only here, bounded in count and in
 * bytes (their serialized size): {@link #offer} refuses an input past either bound. The call takes
 * them in order, as its flow control allows.
 * <p>
 * Single-threaded: the socket's event loop is its only caller, the call's subscriber included.
 *
 * @param <I> the request message type
 */
final class InputEmitter<I extends MessageLite> implements Flow.Publisher<I>, Flow.Subscription {

    /** Told of every change in what waits here: a count of inputs and their bytes, either sign. */
    interface Holdings {
        void changed(int inputs, long bytes);
    }

    private final ArrayDeque<I> waiting = new ArrayDeque<>();
    private final int maxInputs;
    private final long maxBytes;
    private final Holdings holdings;
    private Flow.Subscriber<? super I> subscriber;
    private long waitingBytes;
    private long demand;
    private boolean completed;
    private boolean finished;
    private boolean emitting;

    InputEmitter(int maxInputs, long maxBytes, Holdings holdings) {
        this.maxInputs = maxInputs;
        this.maxBytes = maxBytes;
        this.holdings = holdings;
    }

    /** The inputs as the Mutiny stream a call consumes; it can be subscribed to once. */
    Multi<I> multi() {
        return Multi.createFrom().publisher(this);
    }

    /** Whether {@link #offer} would take {@code input} now. */
    boolean hasRoomFor(I input) {
        return waiting.size() < maxInputs && waitingBytes + input.getSerializedSize() <= maxBytes;
    }

    /** Adds an input unless that would pass a bound; false when refused (nothing changed then). */
    boolean offer(I input) {
        if (finished || !hasRoomFor(input)) {
            return false;
        }
        int size = input.getSerializedSize();
        waiting.add(input);
        waitingBytes += size;
        holdings.changed(1, size);
        emit();
        return true;
    }

    /** No more inputs: the stream completes once those waiting are taken. */
    void complete() {
        completed = true;
        emit();
    }

    /** Drops whatever waits and ends the stream without completing it (the call is gone). */
    void discard() {
        finished = true;
        holdings.changed(-waiting.size(), -waitingBytes);
        waiting.clear();
        waitingBytes = 0;
    }

    int waitingInputs() {
        return waiting.size();
    }

    long waitingBytes() {
        return waitingBytes;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super I> newSubscriber) {
        if (subscriber != null) {
            Subscriptions.fail(newSubscriber, new IllegalStateException("the inputs of a socket can be subscribed to once"));
            return;
        }
        subscriber = newSubscriber;
        newSubscriber.onSubscribe(this);
        emit();
    }

    @Override
    public void request(long n) {
        demand = n >= Long.MAX_VALUE - demand ? Long.MAX_VALUE : demand + n;
        emit();
    }

    @Override
    public void cancel() {
        discard();
    }

    /** Hands waiting inputs to the subscriber as far as its demand goes; never re-entered. */
    private void emit() {
        if (emitting || subscriber == null) {
            return;
        }
        emitting = true;
        try {
            while (!finished && demand > 0 && !waiting.isEmpty()) {
                I input = waiting.poll();
                int size = input.getSerializedSize();
                waitingBytes -= size;
                demand--;
                holdings.changed(-1, -size);
                subscriber.onNext(input);
            }
            if (!finished && completed && waiting.isEmpty()) {
                finished = true;
                subscriber.onComplete();
            }
        } finally {
            emitting = false;
        }
    }
}
