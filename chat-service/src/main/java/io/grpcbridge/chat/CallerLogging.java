package io.grpcbridge.chat;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;

/**
 * One line per call made on behalf of an authenticated caller, whom the gateway names in the
 * {@code x-caller-bin} metadata (UTF-8). chat-service trusts that header because only the gateway
 * can reach it (docs/operations.md); anonymous calls are not logged, as the gateway logs every socket.
 */
@GlobalInterceptor
@ApplicationScoped
public class CallerLogging implements ServerInterceptor {

    static final Metadata.Key<byte[]> CALLER = Metadata.Key.of("x-caller-bin", Metadata.BINARY_BYTE_MARSHALLER);
    private static final Logger LOG = Logger.getLogger(CallerLogging.class);

    @Override
    public <I, O> ServerCall.Listener<I> interceptCall(ServerCall<I, O> call, Metadata headers, ServerCallHandler<I, O> next) {
        byte[] caller = headers.get(CALLER);
        if (caller != null) {
            LOG.infof("%s called by %s", call.getMethodDescriptor().getFullMethodName(), new String(caller, StandardCharsets.UTF_8));
        }
        return next.startCall(call, headers);
    }
}
