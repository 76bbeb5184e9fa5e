package io.grpcbridge.testing;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpcbridge.chat.api.ChatGrpc;
import io.grpcbridge.chat.api.Request;
import io.grpcbridge.chat.api.Response;

/** A real client-side BidStream call that records every output and how the call ended. */
public final class RecordingCall implements ClientResponseObserver<Request, Response> {

    public final List<String> outputs = new CopyOnWriteArrayList<>();
    public final CompletableFuture<Status> closed = new CompletableFuture<>();
    private final boolean manualFlowControl;
    private ClientCallStreamObserver<Request> requests;

    private RecordingCall(boolean manualFlowControl) {
        this.manualFlowControl = manualFlowControl;
    }

    /** A call that reads every output as soon as it comes. */
    public static RecordingCall open(Channel channel) {
        return start(channel, new RecordingCall(false));
    }

    /** A call that reads nothing until {@link #request(int)} asks for it. */
    public static RecordingCall openWithoutReading(Channel channel) {
        return start(channel, new RecordingCall(true));
    }

    private static RecordingCall start(Channel channel, RecordingCall call) {
        ChatGrpc.newStub(channel).bidStream(call);
        return call;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<Request> requestStream) {
        requests = requestStream;
        if (manualFlowControl) {
            requestStream.disableAutoRequestWithInitial(0);
        }
    }

    public RecordingCall send(String... inputs) {
        for (String input : inputs) {
            requests.onNext(Request.newBuilder().setInput(input).build());
        }
        return this;
    }

    public RecordingCall halfClose() {
        requests.onCompleted();
        return this;
    }

    public void cancel() {
        requests.cancel("the test cancels", null);
    }

    public void request(int count) {
        requests.request(count);
    }

    public Status awaitClose() throws Exception {
        return closed.get(20, TimeUnit.SECONDS);
    }

    @Override
    public void onNext(Response response) {
        outputs.add(response.getOutput());
    }

    @Override
    public void onError(Throwable failure) {
        closed.complete(Status.fromThrowable(failure));
    }

    @Override
    public void onCompleted() {
        closed.complete(Status.OK);
    }
}
