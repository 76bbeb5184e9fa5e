package io.grpcbridge.gateway;

import java.util.concurrent.Executor;

import jakarta.inject.Singleton;

import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpcbridge.chat.api.ChatGrpc;
import io.grpcbridge.chat.api.Request;
import io.grpcbridge.chat.api.Response;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Multi;

/**
 * Opens {@code Chat.BidStream} calls on the shared {@code chat} channel, under gRPC flow control
 * ({@link FlowControlledClientCall}); the generated Mutiny stub would buffer without bound.
 */
@Singleton
public class ChatClient {

    private final Channel channel;

    ChatClient(@GrpcClient("chat") Channel channel) {
        this.channel = channel;
    }

    /**
     * One call: {@code requests} in, responses out, with {@code metadata} (may be null) as its
     * headers. The call's callbacks, and the subscriber's signals, run on {@code executor}: the
     * socket's own event loop.
     */
    Multi<Response> bidStream(Multi<Request> requests, Metadata metadata, Executor executor) {
        ChatGrpc.ChatStub plain = ChatGrpc.newStub(channel).withExecutor(executor);
        ChatGrpc.ChatStub stub = metadata == null ? plain
                : plain.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
        return FlowControlledClientCall.call(stub::bidStream, requests);
    }
}
