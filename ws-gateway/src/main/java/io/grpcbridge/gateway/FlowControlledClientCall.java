package io.grpcbridge.gateway;

import java.util.concurrent.Flow;
import java.util.function.Function;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.smallrye.mutiny.Multi;

/**
 * One client-side bidirectional gRPC call, for any message types, exposed as Mutiny with gRPC flow
 * control on both sides: {@code Multi<O> call(Multi<I>)}.
 * <p>
 * Quarkus 3.34.2's generated Mutiny client stub requests every response at once and sends requests
 * without looking at {@code isReady()}, so both directions buffer without bound. Here instead:
 * <ul>
 * <li>responses: auto-request is off; the subscriber's demand becomes {@code request(n)} on the
 * call, so gRPC (and through it the server) is held back by what the subscriber can take;</li>
 * <li>requests: pulled from the request {@code Multi} one at a time, and only while the call
 * {@code isReady()}; otherwise on {@code onReady}.</li>
 * </ul>
 * The call starts when the returned {@code Multi} is subscribed to; cancelling that subscription
 * cancels the call. Callbacks run on the executor the call was started with; this class assumes
 * they are serialized (grpc-java guarantees it) and that the subscriber calls {@code request} from
 * that same thread of control.
 *
 * @param <I> request message type
 * @param <O> response message type
 */
public final class FlowControlledClientCall<I, O> implements ClientResponseObserver<I, O>, Flow.Subscription {

    private final Multi<I> requests;
    private final Flow.Subscriber<? super O> responses;
    private final RequestPump pump = new RequestPump();
    private ClientCallStreamObserver<I> call;
    private boolean done;

    private FlowControlledClientCall(Multi<I> requests, Flow.Subscriber<? super O> responses) {
        this.requests = requests;
        this.responses = responses;
    }

    /**
     * @param start starts the call with a response observer and returns its request observer, e.g.
     *        {@code ChatGrpc.newStub(channel)::bidStream}
     */
    public static <I, O> Multi<O> call(Function<StreamObserver<O>, StreamObserver<I>> start, Multi<I> requests) {
        return Multi.createFrom().publisher(subscriber -> {
            FlowControlledClientCall<I, O> adapter = new FlowControlledClientCall<>(requests, subscriber);
            start.apply(adapter);
            subscriber.onSubscribe(adapter);
            adapter.requests.subscribe().withSubscriber(adapter.pump);
        });
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<I> requestStream) {
        call = requestStream;
        requestStream.disableAutoRequestWithInitial(0);
        requestStream.setOnReadyHandler(pump::pullIfReady);
    }

    // ---- responses: gRPC -> subscriber -------------------------------------------------------

    @Override
    public void request(long n) {
        if (!done) {
            call.request((int) Math.min(n, Integer.MAX_VALUE));
        }
    }

    @Override
    public void cancel() {
        if (finish()) {
            call.cancel("the response subscriber cancelled", null);
        }
    }

    @Override
    public void onNext(O response) {
        if (!done) {
            responses.onNext(response);
        }
    }

    @Override
    public void onError(Throwable failure) {
        if (finish()) {
            responses.onError(failure);
        }
    }

    @Override
    public void onCompleted() {
        if (finish()) {
            responses.onComplete();
        }
    }

    /** Ends the call once, however it ends; false when it had already ended. */
    private boolean finish() {
        if (done) {
            return false;
        }
        done = true;
        pump.cancel();
        return true;
    }

    /** Requests -> gRPC: one at a time, while the call can take it. */
    private final class RequestPump implements Flow.Subscriber<I> {

        private Flow.Subscription subscription;
        private boolean owed = true;
        private boolean finished;

        @Override
        public void onSubscribe(Flow.Subscription newSubscription) {
            subscription = newSubscription;
            pullIfReady();
        }

        void pullIfReady() {
            if (owed && !finished && subscription != null && call.isReady()) {
                owed = false;
                subscription.request(1);
            }
        }

        @Override
        public void onNext(I request) {
            if (finished) {
                return;
            }
            call.onNext(request);
            owed = true;
            pullIfReady();
        }

        @Override
        public void onError(Throwable failure) {
            if (!finished) {
                finished = true;
                // grpc-java then reports CANCELLED, with this failure as its cause, to onError above.
                call.cancel("the request stream failed", failure);
            }
        }

        @Override
        public void onComplete() {
            if (!finished) {
                finished = true;
                if (!done) {
                    call.onCompleted();
                }
            }
        }

        void cancel() {
            if (!finished) {
                finished = true;
                if (subscription != null) {
                    subscription.cancel();
                }
            }
        }
    }
}
