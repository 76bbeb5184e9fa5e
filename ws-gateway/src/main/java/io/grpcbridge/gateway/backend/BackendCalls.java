package io.grpcbridge.gateway.backend;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.inject.Singleton;

import com.google.protobuf.Message;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.smallrye.mutiny.Multi;

/**
 * Opens calls to the backends under gRPC flow control ({@link FlowControlledClientCall}; the
 * generated Mutiny stubs would buffer without bound), each on its backend's channel of the caller's
 * event loop ({@link BackendChannels}), so the call's callbacks run on that loop.
 */
@Singleton
public class BackendCalls {

    private final BackendChannels channels;
    private final Map<String, Optional<Duration>> deadlines;

    BackendCalls(BackendChannels channels, ConfiguredBackends backends) {
        this.channels = channels;
        this.deadlines = backends.all().entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, backend -> backend.getValue().deadline()));
    }

    /**
     * One call of {@code method} from the caller's event loop: {@code requests} in, responses out,
     * with {@code metadata} as its headers. Its callbacks, and the subscriber's
     * signals, run on that loop, through {@code callbacks} when given (null: directly).
     */
    @SuppressWarnings({ "unchecked", "rawtypes" })
    public Multi<Message> start(BridgedMethod method, Multi<Message> requests, Metadata metadata, Executor callbacks,
            FlowControlledClientCall.Watcher watcher) {
        CallOptions options = callbacks == null ? CallOptions.DEFAULT : CallOptions.DEFAULT.withExecutor(callbacks);
        Optional<Duration> deadline = deadlines.getOrDefault(method.backend(), Optional.empty());
        if (deadline.isPresent()) {
            options = options.withDeadlineAfter(deadline.get().toMillis(), TimeUnit.MILLISECONDS);
        }
        Channel channel = channels.forCurrentEventLoop(method.backend());
        CallOptions callOptions = options;
        // The inputs are the method's DynamicMessages (its frame format parses them from its descriptor).
        return (Multi) FlowControlledClientCall.call(() -> (ClientCall) channel.newCall(method.grpc(), callOptions),
                method.kind().clientSendsOneMessage(),
                metadata, requests, watcher);
    }
}
