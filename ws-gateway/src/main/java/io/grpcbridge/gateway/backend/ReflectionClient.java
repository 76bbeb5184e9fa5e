package io.grpcbridge.gateway.backend;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.InvalidProtocolBufferException;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;

/**
 * Asks a backend's server reflection for the descriptor files of some services and of everything
 * they import: {@code grpc.reflection.v1}, and {@code v1alpha} when the server has only that (older
 * servers). The two versions have the same messages, field for field, so v1's classes serve both.
 * <p>
 * A well-known type's file the server cannot serve ({@code NOT_FOUND: unknown file:
 * google/protobuf/struct.proto}, common with older generated code) is left out of the answer: the
 * files are linked with protobuf-java's own copy ({@link DescriptorSets}). Any other file it cannot
 * serve fails the fetch, naming the file and the file that imports it.
 */
final class ReflectionClient {

    private static final MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> V1 = ServerReflectionGrpc
            .getServerReflectionInfoMethod();
    private static final MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> V1ALPHA = V1.toBuilder()
            .setFullMethodName(MethodDescriptor.generateFullMethodName("grpc.reflection.v1alpha.ServerReflection",
                    "ServerReflectionInfo"))
            .build();

    private ReflectionClient() {
    }

    /**
     * What a server's reflection gave: its files, and the well-known types' files it could not serve
     * (protobuf-java's own stand in for them).
     */
    record Fetched(List<FileDescriptorProto> files, List<String> wellKnownNotServed) {
    }

    /**
     * The files that define {@code services}, with their imports, from {@code channel}; blocks for
     * at most {@code timeout}. Fails with the reflection error when a service is unknown to the backend.
     */
    static Fetched fetch(Channel channel, List<String> services, Duration timeout)
            throws InterruptedException, TimeoutException {
        try {
            return fetch(channel, V1, services, timeout);
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
                throw e;
            }
            return fetch(channel, V1ALPHA, services, timeout);
        }
    }

    private static Fetched fetch(Channel channel,
            MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> method, List<String> services,
            Duration timeout) throws InterruptedException, TimeoutException {
        Exchange exchange = new Exchange(services);
        StreamObserver<ServerReflectionRequest> requests = ClientCalls.asyncBidiStreamingCall(
                channel.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)),
                exchange);
        exchange.start(requests);
        boolean fetched = false;
        try {
            Fetched files = exchange.result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            fetched = true;
            return files;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException status) {
                throw status;
            }
            throw new IllegalStateException("server reflection failed", e.getCause());
        } finally {
            if (fetched) {
                requests.onCompleted();
            } else {
                ((ClientCallStreamObserver<ServerReflectionRequest>) requests).cancel("reflection abandoned", null);
            }
        }
    }

    /**
     * One question at a time: first the file of each service, then every import not yet received.
     * grpc-java's callbacks are serialized, so the state needs no locks.
     */
    private static final class Exchange implements StreamObserver<ServerReflectionResponse> {

        final CompletableFuture<Fetched> result = new CompletableFuture<>();
        private final Deque<ServerReflectionRequest> questions = new ArrayDeque<>();
        private final Map<String, FileDescriptorProto> files = new LinkedHashMap<>();
        /** Each file asked for by name, and the file that imports it. */
        private final Map<String, String> importers = new HashMap<>();
        private final List<String> wellKnownNotServed = new ArrayList<>();
        private StreamObserver<ServerReflectionRequest> requests;

        Exchange(List<String> services) {
            services.forEach(service -> questions.add(ServerReflectionRequest.newBuilder().setFileContainingSymbol(service).build()));
        }

        void start(StreamObserver<ServerReflectionRequest> requestStream) {
            requests = requestStream;
            askNext();
        }

        private void askNext() {
            ServerReflectionRequest next = questions.poll();
            if (next == null) {
                result.complete(new Fetched(new ArrayList<>(files.values()), List.copyOf(wellKnownNotServed)));
            } else {
                requests.onNext(next);
            }
        }

        @Override
        public void onNext(ServerReflectionResponse response) {
            if (response.hasErrorResponse()) {
                ServerReflectionRequest asked = response.getOriginalRequest();
                String file = asked.hasFileByFilename() ? asked.getFileByFilename() : null;
                if (file != null && DescriptorSets.isWellKnown(file)) {
                    wellKnownNotServed.add(file);
                    askNext();
                    return;
                }
                String what = file != null ? "file " + file + " (imported by " + importers.get(file) + ")"
                        : "the file of " + asked.getFileContainingSymbol();
                result.completeExceptionally(Status.fromCodeValue(response.getErrorResponse().getErrorCode())
                        .withDescription("reflection cannot serve " + what + ": " + response.getErrorResponse().getErrorMessage())
                        .asRuntimeException());
                return;
            }
            try {
                for (ByteString bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
                    FileDescriptorProto file = FileDescriptorProto.parseFrom(bytes);
                    files.putIfAbsent(file.getName(), file);
                }
            } catch (InvalidProtocolBufferException e) {
                result.completeExceptionally(e);
                return;
            }
            for (FileDescriptorProto file : List.copyOf(files.values())) {
                for (String dependency : file.getDependencyList()) {
                    if (!files.containsKey(dependency) && importers.putIfAbsent(dependency, file.getName()) == null) {
                        questions.add(ServerReflectionRequest.newBuilder().setFileByFilename(dependency).build());
                    }
                }
            }
            askNext();
        }

        @Override
        public void onError(Throwable failure) {
            result.completeExceptionally(failure);
        }

        @Override
        public void onCompleted() {
            if (!result.isDone()) {
                result.completeExceptionally(Status.INTERNAL.withDescription("server reflection ended early").asRuntimeException());
            }
        }
    }
}
