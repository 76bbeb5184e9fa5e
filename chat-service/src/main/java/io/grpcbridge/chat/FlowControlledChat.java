package io.grpcbridge.chat;

import io.grpc.stub.StreamObserver;
import io.grpcbridge.chat.api.ChatGrpc;
import io.grpcbridge.chat.api.Request;
import io.grpcbridge.chat.api.Response;
import io.grpcbridge.chat.core.ChatService;
import io.quarkus.grpc.GrpcService;

/**
 * The {@code Chat} gRPC service: chat-core's {@link ChatService} (the seed's commands as Mutiny),
 * run under gRPC flow control by {@link FlowControlledServerCall} instead of Quarkus' generated
 * Mutiny adapter, which does not apply backpressure in 3.34.2.
 */
@GrpcService
public class FlowControlledChat extends ChatGrpc.ChatImplBase {

    /** Stateless: this one instance serves every call. */
    private final ChatService chat = new ChatService();
    private final ChatMetrics metrics;

    FlowControlledChat(ChatMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public StreamObserver<Request> bidStream(StreamObserver<Response> responseObserver) {
        metrics.streamOpened();
        return FlowControlledServerCall.start(responseObserver, chat::bidStream, metrics);
    }
}
