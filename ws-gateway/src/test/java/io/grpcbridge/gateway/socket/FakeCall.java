package io.grpcbridge.gateway.socket;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;

import com.google.protobuf.Message;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpcbridge.chat.api.Request;
import io.grpcbridge.chat.api.Response;
import io.grpcbridge.gateway.backend.FlowControlledClientCall;
import io.smallrye.mutiny.Multi;

/**
 * A gRPC call for {@link StreamBridge} tests: takes inputs only when the test says so, and emits
 * the outputs the test gives it, never more than the bridge has requested.
 */
final class FakeCall implements StreamBridge.Call {

    final List<String> taken = new ArrayList<>();
    long requested;
    boolean cancelled;
    boolean inputsCompleted;
    private Flow.Subscriber<? super Message> outputs;
    private Flow.Subscription inputs;
    private FlowControlledClientCall.Watcher watcher;

    @Override
    public Multi<Message> start(Multi<Message> requests, FlowControlledClientCall.Watcher callWatcher) {
        watcher = callWatcher;
        return Multi.createFrom().publisher(subscriber -> {
            outputs = subscriber;
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    requested += n;
                }

                @Override
                public void cancel() {
                    cancelled = true;
                }
            });
            requests.subscribe().withSubscriber(new Flow.Subscriber<Message>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    inputs = subscription;
                }

                @Override
                public void onNext(Message request) {
                    taken.add(((Request) request).getInput());
                }

                @Override
                public void onError(Throwable failure) {
                }

                @Override
                public void onComplete() {
                    inputsCompleted = true;
                }
            });
        });
    }

    /** chat-service takes {@code count} more inputs. */
    void take(long count) {
        inputs.request(count);
    }

    /** chat-service answers {@code text}; the bridge must have asked for it. */
    void answer(String text) {
        if (requested <= 0) {
            throw new AssertionError("an output the bridge did not request: " + text);
        }
        requested--;
        outputs.onNext(Response.newBuilder().setOutput(text).build());
    }

    void complete() {
        outputs.onComplete();
    }

    /** The call fails with {@code status} without the backend having answered (grpc-java could not reach it). */
    void fail(Status status) {
        fail(status, false);
    }

    /** The call fails with {@code status}, said by the backend itself when {@code fromBackend}. */
    void fail(Status status, boolean fromBackend) {
        watcher.closed(new FlowControlledClientCall.Outcome(status, new Metadata(), fromBackend));
        outputs.onError(status.asRuntimeException());
    }
}
