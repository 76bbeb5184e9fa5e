package io.grpcbridge.chat;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.helpers.Subscriptions;

/**
 * Runs a Mutiny bidirectional stream ({@code Multi<O> logic(Multi<I>)}) under gRPC flow control,
 * for any message types.
 * <p>
 * Quarkus 3.34.2's generated Mutiny service adapter subscribes to the outputs with unbounded demand,
 * never looks at {@code isReady()} and queues inputs without bound. Here instead:
 * <ul>
 * <li>inputs: auto-request is off; the logic's demand becomes {@code request(n)} on the call, so
 * gRPC delivers only what the logic asked for and the client is paced by HTTP/2 flow control;</li>
 * <li>outputs: one output is requested from the logic at a time, the next only while the call
 * {@code isReady()}, otherwise on {@code onReady}; production stops at the flow-control window.</li>
 * </ul>
 * Nothing here buffers a message.
 *
 * @param <I> request message type
 * @param <O> response message type
 */
public final class FlowControlledServerCall<I, O> {

    /** What the owner of the call is told: each output sent, and once, the end of the call. */
    public interface Listener {
        void onOutputSent();

        void onCallEnded();
    }

    private final ServerCallStreamObserver<O> call;
    private final Listener listener;
    private final Inputs inputs = new Inputs();
    private final Outputs outputs = new Outputs();
    private final AtomicBoolean ended = new AtomicBoolean();

    private FlowControlledServerCall(ServerCallStreamObserver<O> call, Listener listener) {
        this.call = call;
        this.listener = listener;
    }

    /**
     * Starts {@code logic} on the call behind {@code responseObserver}. Call it from the service
     * method itself and return what it returns: flow-control handlers can only be set before then.
     */
    public static <I, O> StreamObserver<I> start(StreamObserver<O> responseObserver,
            Function<Multi<I>, Multi<O>> logic, Listener listener) {
        ServerCallStreamObserver<O> call = (ServerCallStreamObserver<O>) responseObserver;
        FlowControlledServerCall<I, O> adapter = new FlowControlledServerCall<>(call, listener);
        call.disableAutoRequest();
        call.setOnReadyHandler(adapter.outputs::requestNextIfReady);
        call.setOnCancelHandler(adapter::onCancelled);
        logic.apply(Multi.createFrom().publisher(adapter.inputs)).subscribe().withSubscriber(adapter.outputs);
        return adapter.inputs;
    }

    private void onCancelled() {
        if (end()) {
            inputs.cancel();
            outputs.cancel();
        }
    }

    private boolean end() {
        if (ended.compareAndSet(false, true)) {
            listener.onCallEnded();
            return true;
        }
        return false;
    }

    /** gRPC to logic: a publisher of the call's requests, with the logic's demand as the call's. */
    private final class Inputs implements StreamObserver<I>, Flow.Publisher<I>, Flow.Subscription {

        private volatile Flow.Subscriber<? super I> subscriber;
        private volatile boolean cancelled;

        @Override
        public void subscribe(Flow.Subscriber<? super I> newSubscriber) {
            if (subscriber != null) {
                Subscriptions.fail(newSubscriber, new IllegalStateException("the requests of a call can be subscribed to once"));
                return;
            }
            subscriber = newSubscriber;
            newSubscriber.onSubscribe(this);
        }

        @Override
        public void request(long n) {
            if (!cancelled && !ended.get()) {
                call.request((int) Math.min(n, Integer.MAX_VALUE));
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public void onNext(I input) {
            if (!cancelled) {
                subscriber.onNext(input);
            }
        }

        @Override
        public void onCompleted() {
            if (!cancelled) {
                subscriber.onComplete();
            }
        }

        @Override
        public void onError(Throwable failure) {
            if (!cancelled) {
                cancelled = true;
                subscriber.onError(failure);
            }
        }
    }

    /** Logic to gRPC: pulls one output at a time while the call can take it. */
    private final class Outputs implements Flow.Subscriber<O> {

        private volatile Flow.Subscription subscription;
        /** Set after each output; cleared by whoever requests the next one (onNext or onReady). */
        private final AtomicBoolean owed = new AtomicBoolean();

        @Override
        public void onSubscribe(Flow.Subscription newSubscription) {
            subscription = newSubscription;
            newSubscription.request(1);
        }

        @Override
        public void onNext(O output) {
            if (ended.get()) {
                return;
            }
            call.onNext(output);
            listener.onOutputSent();
            owed.set(true);
            requestNextIfReady();
        }

        void requestNextIfReady() {
            if (call.isReady() && !ended.get() && owed.compareAndSet(true, false)) {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable failure) {
            if (end()) {
                call.onError(Status.fromThrowable(failure).asRuntimeException());
            }
        }

        @Override
        public void onComplete() {
            if (end()) {
                call.onCompleted();
            }
        }

        void cancel() {
            Flow.Subscription current = subscription;
            if (current != null) {
                current.cancel();
            }
        }
    }
}
