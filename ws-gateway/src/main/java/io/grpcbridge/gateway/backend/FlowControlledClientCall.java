package io.grpcbridge.gateway.backend;

import java.util.concurrent.Flow;
import java.util.function.Supplier;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.smallrye.mutiny.Multi;

/**
 * One client-side gRPC call of any kind and message types, as Mutiny with gRPC flow control on both
 * sides: {@code Multi<O> call(Multi<I>)}, built on grpc-java's {@link ClientCall} itself.
 * <p>
 * Quarkus 3.34.2's generated Mutiny client stub requests every response at once and sends requests
 * without looking at {@code isReady()}, so both directions buffer without bound. Here instead:
 * <ul>
 * <li>responses: the subscriber's demand becomes {@code request(n)} on the call, so gRPC (and
 * through it the server) is held back by what the subscriber can take;</li>
 * <li>requests: pulled from the request {@code Multi} one at a time, and only while the call
 * {@code isReady()}; otherwise on {@code onReady}. A method that takes one request (unary, server
 * streaming) gets it at once: grpc-java sends nothing of such a call, headers included, before the
 * request is half-closed, so the call would never be ready.</li>
 * </ul>
 * The response headers and the trailers, which a {@code Multi} cannot carry, go to a {@link Watcher}:
 * the trailers just before the subscriber's {@code onComplete} or {@code onError}.
 * <p>
 * The call starts when the returned {@code Multi} is subscribed to; cancelling that subscription
 * cancels the call. Callbacks run on the executor the call was created with; this class assumes
 * they are serialized (grpc-java guarantees it) and that the subscriber calls {@code request} from
 * that same thread of control.
 *
 * @param <I> request message type
 * @param <O> response message type
 */
public final class FlowControlledClientCall<I, O> extends ClientCall.Listener<O> implements Flow.Subscription {

    /** What a call says besides its messages. */
    public interface Watcher {

        /** The response headers, before the first response. */
        default void headers(Metadata headers) {
        }

        /** How the call ended, before the subscriber hears of it. */
        default void closed(Outcome outcome) {
        }
    }

    /**
     * How a call ended: its status and trailers, and whether they came from the backend (it sent
     * response headers, or a trailers-only response) or from grpc-java, which could not reach it:
     * a failure of its own has no trailers at all, and its description may name the backend's address.
     */
    public record Outcome(Status status, Metadata trailers, boolean fromBackend) {
    }

    private static final Metadata.Key<String> CONTENT_TYPE = Metadata.Key.of("content-type", Metadata.ASCII_STRING_MARSHALLER);

    private final ClientCall<I, O> call;
    private final Multi<I> requests;
    private final Flow.Subscriber<? super O> responses;
    private final Watcher watcher;
    private final boolean oneRequest;
    private final RequestPump pump = new RequestPump();
    private boolean done;
    private boolean answered;

    private FlowControlledClientCall(ClientCall<I, O> call, boolean oneRequest, Multi<I> requests,
            Flow.Subscriber<? super O> responses, Watcher watcher) {
        this.call = call;
        this.oneRequest = oneRequest;
        this.requests = requests;
        this.responses = responses;
        this.watcher = watcher;
    }

    /**
     * @param newCall a new, unstarted call for each subscription, e.g. {@code () -> channel.newCall(method, options)}
     * @param oneRequest whether the method takes exactly one request ({@code MethodType.clientSendsOneMessage()})
     * @param headers the call's request metadata
     */
    public static <I, O> Multi<O> call(Supplier<ClientCall<I, O>> newCall, boolean oneRequest, Metadata headers,
            Multi<I> requests, Watcher watcher) {
        return Multi.createFrom().publisher(subscriber -> {
            FlowControlledClientCall<I, O> adapter = new FlowControlledClientCall<>(newCall.get(), oneRequest, requests,
                    subscriber, watcher);
            adapter.call.start(adapter, headers);
            subscriber.onSubscribe(adapter);
            adapter.requests.subscribe().withSubscriber(adapter.pump);
        });
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
    public void onHeaders(Metadata headers) {
        answered = true;
        if (!done) {
            watcher.headers(headers);
        }
    }

    @Override
    public void onMessage(O response) {
        if (!done) {
            responses.onNext(response);
        }
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
        if (finish()) {
            watcher.closed(new Outcome(status, trailers, answered || trailers.containsKey(CONTENT_TYPE)));
            if (status.isOk()) {
                responses.onComplete();
            } else {
                responses.onError(status.asRuntimeException(trailers));
            }
        }
    }

    @Override
    public void onReady() {
        pump.pullIfReady();
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
            if (owed && !finished && subscription != null && (oneRequest || call.isReady())) {
                owed = false;
                subscription.request(1);
            }
        }

        @Override
        public void onNext(I request) {
            if (finished) {
                return;
            }
            call.sendMessage(request);
            owed = true;
            pullIfReady();
        }

        @Override
        public void onError(Throwable failure) {
            if (!finished) {
                finished = true;
                // grpc-java then reports CANCELLED, with this failure as its cause, to onClose above.
                call.cancel("the request stream failed", failure);
            }
        }

        @Override
        public void onComplete() {
            if (!finished) {
                finished = true;
                if (!done) {
                    call.halfClose();
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
