package io.grpcbridge.gateway;

import java.util.concurrent.Executor;

import jakarta.inject.Singleton;

import io.grpc.Channel;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpcbridge.chat.api.ChatGrpc;
import io.grpcbridge.chat.api.Request;
import io.grpcbridge.chat.api.Response;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Opens {@code Chat.BidStream} calls on the shared {@code chat} channel, under gRPC flow control
 * ({@link FlowControlledClientCall}); the generated Mutiny stub would buffer without bound.
 */
@Singleton
public class ChatClient {

    private final Channel channel;
    private final GatewayConfig.Chat config;

    ChatClient(@GrpcClient("chat") Channel channel, GatewayConfig config) {
        this.channel = channel;
        this.config = config.chat();
    }

    /**
     * One call: {@code requests} in, responses out, with {@code metadata} (may be null) as its
     * headers. The call's callbacks, and the subscriber's signals, run on {@code executor}: the
     * socket's own event loop.
     */
    Multi<Response> bidStream(Multi<Request> requests, Metadata metadata, Executor executor,
            FlowControlledClientCall.Listener<Request> listener) {
        ChatGrpc.ChatStub plain = ChatGrpc.newStub(channel).withExecutor(executor);
        ChatGrpc.ChatStub stub = metadata == null ? plain
                : plain.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
        return reconnectedIfFailing()
                .emitOn(executor)
                .onItem().transformToMulti(ready -> FlowControlledClientCall.call(stub::bidStream, requests, listener));
    }

    /**
     * After chat-service was down, grpc-java fails every new call at once until its reconnect
     * backoff (up to 2 minutes) has passed. A new socket is a reason to try now: reset the backoff
     * and start the call once the channel has left TRANSIENT_FAILURE (a call started while it is
     * CONNECTING waits for the outcome), or after {@code gateway.chat.reconnect-wait} at most.
     */
    private Uni<Void> reconnectedIfFailing() {
        if (!(channel instanceof ManagedChannel managed)
                || managed.getState(false) != ConnectivityState.TRANSIENT_FAILURE) {
            return Uni.createFrom().voidItem();
        }
        managed.resetConnectBackoff();
        return Uni.createFrom().<Void> emitter(
                left -> managed.notifyWhenStateChanged(ConnectivityState.TRANSIENT_FAILURE, () -> left.complete(null)))
                .ifNoItem().after(config.reconnectWait()).recoverWithItem((Void) null);
    }
}
