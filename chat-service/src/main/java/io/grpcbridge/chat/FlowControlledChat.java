package io.grpcbridge.chat;

import io.grpc.stub.StreamObserver;
import io.grpcbridge.chat.api.ChatGrpc;
import io.grpcbridge.chat.api.Request;
import io.grpcbridge.chat.api.Response;
import io.quarkus.grpc.GrpcService;

/**
 * The {@code Chat} gRPC service: {@link ChatService}'s Mutiny logic, run under gRPC flow control
 * by {@link FlowControlledServerCall} instead of Quarkus' generated Mutiny adapter, which does not
 * apply backpressure in 3.34.2.
 */
@GrpcService
public class FlowControlledChat extends ChatGrpc.ChatImplBase {

    private final ChatService chat;
    private final ChatMetrics metrics;

    FlowControlledChat(ChatService chat, ChatMetrics metrics) {
        this.chat = chat;
        this.metrics = metrics;
    }

    @Override
    public StreamObserver<Request> bidStream(StreamObserver<Response> responseObserver) {
        metrics.streamOpened();
        return FlowControlledServerCall.start(responseObserver, chat::bidStream, metrics);
    }
}
