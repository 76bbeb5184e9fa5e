package io.grpcbridge.chat;

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
final class RecordingCall implements ClientResponseObserver<Request, Response> {

    final List<String> outputs = new CopyOnWriteArrayList<>();
    final CompletableFuture<Status> closed = new CompletableFuture<>();
    private final boolean manualFlowControl;
    private ClientCallStreamObserver<Request> requests;

    private RecordingCall(boolean manualFlowControl) {
        this.manualFlowControl = manualFlowControl;
    }

    /** A call that reads every output as soon as it comes. */
    static RecordingCall open(Channel channel) {
        return start(channel, new RecordingCall(false));
    }

    /** A call that reads nothing until {@link #request(int)} asks for it. */
    static RecordingCall openWithoutReading(Channel channel) {
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

    RecordingCall send(String... inputs) {
        for (String input : inputs) {
            requests.onNext(Request.newBuilder().setInput(input).build());
        }
        return this;
    }

    void halfClose() {
        requests.onCompleted();
    }

    void cancel() {
        requests.cancel("the test cancels", null);
    }

    void request(int count) {
        requests.request(count);
    }

    Status awaitClose() throws Exception {
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
