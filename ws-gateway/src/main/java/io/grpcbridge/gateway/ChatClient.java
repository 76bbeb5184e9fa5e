package io.grpcbridge.gateway;

import java.util.concurrent.Executor;

import jakarta.inject.Singleton;

import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpcbridge.chat.api.ChatGrpc;
import io.grpcbridge.chat.api.Request;
import io.grpcbridge.chat.api.Response;
import io.smallrye.mutiny.Multi;

/**
 * Opens {@code Chat.BidStream} calls under gRPC flow control ({@link FlowControlledClientCall}; the
 * generated Mutiny stub would buffer without bound), each on the channel of the caller's event loop
 * ({@link ChatChannels}), so the call's callbacks run on that loop.
 */
@Singleton
public class ChatClient {

    private final ChatChannels channels;

    ChatClient(ChatChannels channels) {
        this.channels = channels;
    }

    /**
     * One call from the caller's event loop: {@code requests} in, responses out, with
     * {@code metadata} (may be null) as its headers. Its callbacks, and the subscriber's signals, run
     * on that loop, through {@code callbacks} when given (null: directly).
     */
    Multi<Response> bidStream(Multi<Request> requests, Metadata metadata, Executor callbacks) {
        ChatGrpc.ChatStub plain = ChatGrpc.newStub(channels.forCurrentEventLoop());
        ChatGrpc.ChatStub onLoop = callbacks == null ? plain : plain.withExecutor(callbacks);
        ChatGrpc.ChatStub stub = metadata == null ? onLoop
                : onLoop.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
        return FlowControlledClientCall.call(stub::bidStream, requests);
    }
}
