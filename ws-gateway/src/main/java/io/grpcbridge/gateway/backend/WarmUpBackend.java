package io.grpcbridge.gateway.backend;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;

/**
 * The backend of the gateway's warm-up: a gRPC server on a loopback port, in the gateway's own JVM,
 * that answers any method of any backend the same way: each request with one empty response (the
 * default instance of whatever message the method returns), then OK when the client half-closes.
 * Its channels are a backend of {@link BackendChannels} named {@link #NAME} while it runs, so a
 * warm-up socket's call takes the same path as any other, to a backend that does no work.
 */
@Singleton
public class WarmUpBackend {

    /** Its name among the backends; not a valid name for a configured one (it has a space). */
    public static final String NAME = "gateway warm-up";

    private final BackendChannels channels;
    private Server server;

    WarmUpBackend(BackendChannels channels) {
        this.channels = channels;
    }

    /** Starts the server and its channels. */
    public synchronized void start() {
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .fallbackHandlerRegistry(new EmptyAnswers())
                    .directExecutor()
                    .build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the warm-up's backend", e);
        }
        channels.openLoopback(NAME, server.getPort());
    }

    /** Closes its channels and stops the server. */
    public synchronized void stop() throws InterruptedException {
        if (server != null) {
            channels.closeLoopback(NAME);
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server = null;
        }
    }

    /** Every method, whatever its name: each request answered with an empty message, OK at half-close. */
    static final class EmptyAnswers extends HandlerRegistry {

        private static final byte[] EMPTY = new byte[0];
        private final Map<String, ServerMethodDefinition<?, ?>> byName = new ConcurrentHashMap<>();

        @Override
        public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
            return byName.computeIfAbsent(methodName, name -> ServerMethodDefinition.create(
                    MethodDescriptor.<byte[], byte[]> newBuilder()
                            .setType(MethodDescriptor.MethodType.UNKNOWN)
                            .setFullMethodName(name)
                            .setRequestMarshaller(Bytes.MARSHALLER)
                            .setResponseMarshaller(Bytes.MARSHALLER)
                            .build(),
                    new AnswerEach()));
        }

        private static final class AnswerEach implements ServerCallHandler<byte[], byte[]> {

            @Override
            public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> call, Metadata headers) {
                call.sendHeaders(new Metadata());
                call.request(1);
                return new ServerCall.Listener<>() {
                    @Override
                    public void onMessage(byte[] request) {
                        call.sendMessage(EMPTY);
                        call.request(1);
                    }

                    @Override
                    public void onHalfClose() {
                        call.close(Status.OK, new Metadata());
                    }
                };
            }
        }
    }

    private enum Bytes implements MethodDescriptor.Marshaller<byte[]> {
        MARSHALLER;

        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
