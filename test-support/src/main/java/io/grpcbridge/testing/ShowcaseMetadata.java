package io.grpcbridge.testing;

import java.util.Locale;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * The showcase's response metadata, for tests of how a bridge passes metadata on: every call's
 * response headers carry {@value #KIND_HEADER} (the method's kind: {@code unary},
 * {@code server_streaming}, {@code client_streaming} or {@code bidi_streaming}), and its trailers
 * {@value #OUTCOME_TRAILER} ({@code done} when it ends OK, else {@code failed}). A call that fails
 * before answering sends no headers, only trailers.
 */
final class ShowcaseMetadata implements ServerInterceptor {

    static final String KIND_HEADER = "x-showcase-kind";
    static final String OUTCOME_TRAILER = "x-showcase-trailer";
    private static final Metadata.Key<String> KIND = Metadata.Key.of(KIND_HEADER, Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> OUTCOME = Metadata.Key.of(OUTCOME_TRAILER, Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        return next.startCall(new SimpleForwardingServerCall<>(call) {
            @Override
            public void sendHeaders(Metadata responseHeaders) {
                responseHeaders.put(KIND, call.getMethodDescriptor().getType().name().toLowerCase(Locale.ROOT));
                super.sendHeaders(responseHeaders);
            }

            @Override
            public void close(Status status, Metadata trailers) {
                trailers.put(OUTCOME, status.isOk() ? "done" : "failed");
                super.close(status, trailers);
            }
        }, headers);
    }
}
