package io.grpcbridge.gateway.socket;

import java.util.ArrayDeque;
import java.util.concurrent.Flow;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.helpers.Subscriptions;

/**
 * One socket's emitter of inputs: the request stream of its gRPC call, fed frame by frame by the
 * socket. Inputs the call has not asked for yet wait here; the call takes them in order, as its
 * flow control allows. What waits here is bounded by the socket's {@link InputWindow}: the socket
 * reads no more messages while its window is full.
 * <p>
 * Single-threaded: the socket's event loop is its only caller, the call's subscriber included.
 *
 * @param <I> the request message type
 */
final class InputEmitter<I> implements Flow.Publisher<I>, Flow.Subscription {

    /** Told of inputs that leave: taken by the call one by one, or dropped all at once. */
    interface Holdings {
        void left(int inputs, long bytes);
    }

    /** An input and the bytes of the frame it came in. */
    private record Waiting<I>(I input, int bytes) {
    }

    private final ArrayDeque<Waiting<I>> waiting = new ArrayDeque<>();
    private final Holdings holdings;
    private Runnable firstDemand;
    private Flow.Subscriber<? super I> subscriber;
    private long waitingBytes;
    private long demand;
    private boolean completed;
    private boolean finished;
    private boolean emitting;

    InputEmitter(Holdings holdings) {
        this(holdings, null);
    }

    /**
     * {@code firstDemand} runs when the call first asks for an input: it can take requests now (a
     * call asks only while it {@code isReady()}, which one whose backend is down never is).
     */
    InputEmitter(Holdings holdings, Runnable firstDemand) {
        this.holdings = holdings;
        this.firstDemand = firstDemand;
    }

    /** The inputs as the Mutiny stream a call consumes; it can be subscribed to once. */
    Multi<I> multi() {
        return Multi.createFrom().publisher(this);
    }

    /** Adds an input that came in a frame of {@code bytes}; false when the stream is over (nothing changed then). */
    boolean offer(I input, int bytes) {
        if (finished) {
            return false;
        }
        waiting.add(new Waiting<>(input, bytes));
        waitingBytes += bytes;
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
        holdings.left(waiting.size(), waitingBytes);
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
        if (firstDemand != null) {
            Runnable once = firstDemand;
            firstDemand = null;
            once.run();
        }
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
                Waiting<I> next = waiting.poll();
                waitingBytes -= next.bytes();
                demand--;
                holdings.left(1, next.bytes());
                subscriber.onNext(next.input());
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
