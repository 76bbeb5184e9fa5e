package io.grpcbridge.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.grpcbridge.chat.api.ChatGrpc;
import io.grpcbridge.chat.api.Request;
import io.grpcbridge.chat.api.Response;
import io.grpcbridge.chat.core.ChatService;
import io.netty.handler.ssl.SslContext;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * A real gRPC server on a free port that the gateway under test calls as its {@code chat} service.
 * It answers with chat-service's own logic, chat-core's {@link ChatService} (the seed's commands,
 * exact strings, trailing-newline rule, the end command closing the call), not a re-implementation;
 * only the transport differs (no flow control on outputs). On top of it, {@code fail:<CODE>} fails
 * the call with that status. It can be stopped and started again on the same port, and paced to
 * take one request per interval. {@code FakeChatServerTest} holds it to chat-service's answers.
 */
public class FakeChatServer implements QuarkusTestResourceLifecycleManager {

    /** chat-service's logic: stateless, so one serves every call. */
    private static final ChatService chat = new ChatService();

    static final AtomicInteger activeCalls = new AtomicInteger();
    /** The headers of the most recent call. */
    static final AtomicReference<Metadata> lastCallHeaders = new AtomicReference<>();
    static volatile Duration requestPace = Duration.ZERO;
    private static final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    private static volatile Server server;
    private static volatile int port;
    /** The server's TLS, or null for plaintext. */
    static volatile SslContext tls;

    @Override
    public Map<String, String> start() {
        startServer(0);
        port = server.getPort();
        // In test mode Quarkus dials a client's test-port, not its port. The chat backend is named
        // here, as beside another backend (a test's showcase) it is not the gateway's default.
        return Map.of("quarkus.grpc.clients.chat.host", "localhost",
                "quarkus.grpc.clients.chat.port", String.valueOf(port),
                "quarkus.grpc.clients.chat.test-port", String.valueOf(port),
                "gateway.backends.chat.expose", "chat.Chat",
                "gateway.backends.chat.descriptor-set", "classpath:META-INF/grpc-descriptors/chat.dsc");
    }

    @Override
    public void stop() {
        stopServer();
        tls = null;
    }

    /** Kills every open call, as a crashed process would, and stops listening. */
    static void stopServer() {
        try {
            server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void restartServer() {
        if (server.isShutdown()) {
            startServer(port);
        }
    }

    private static void startServer(int onPort) {
        try {
            NettyServerBuilder builder = NettyServerBuilder.forPort(onPort).addService(service());
            if (tls != null) {
                builder.sslContext(tls);
            }
            server = builder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code chat.Chat} service this server runs, for a test to serve on a server of its own. */
    static ServerServiceDefinition service() {
        // Bound by hand, not as a ChatImplBase subclass, so Quarkus does not take it for a service of the gateway.
        return ServerServiceDefinition.builder(ChatGrpc.getServiceDescriptor())
                .addMethod(ChatGrpc.getBidStreamMethod(), recordingHeaders(ServerCalls.asyncBidiStreamingCall(FakeChatServer::bidStream)))
                .build();
    }

    private static ServerCallHandler<Request, Response> recordingHeaders(ServerCallHandler<Request, Response> handler) {
        return (call, headers) -> {
            lastCallHeaders.set(headers);
            return handler.startCall(call, headers);
        };
    }

    /**
     * One call: the requests feed {@link ChatService#bidStream}, whose outputs go to the call as they
     * come; its completion (the client half-closed, or the end command) completes the call.
     */
    private static StreamObserver<Request> bidStream(StreamObserver<Response> responses) {
        ServerCallStreamObserver<Response> call = (ServerCallStreamObserver<Response>) responses;
        Duration pace = requestPace;
        if (!pace.isZero()) {
            call.disableAutoRequest();
            call.request(1);
        }
        activeCalls.incrementAndGet();
        AtomicBoolean ended = new AtomicBoolean();
        Runnable end = () -> {
            if (ended.compareAndSet(false, true)) {
                activeCalls.decrementAndGet();
            }
        };
        UnicastProcessor<Request> inputs = UnicastProcessor.create();
        Cancellable outputs = chat.bidStream(inputs).subscribe().with(
                call::onNext,
                failure -> {
                    end.run();
                    call.onError(Status.fromThrowable(failure).asRuntimeException());
                },
                () -> {
                    end.run();
                    call.onCompleted();
                });
        call.setOnCancelHandler(() -> {
            end.run();
            outputs.cancel();
        });
        return new StreamObserver<>() {
            @Override
            public void onNext(Request request) {
                if (ended.get()) {
                    return;
                }
                String input = request.getInput();
                if (input.startsWith("fail:")) {
                    end.run();
                    outputs.cancel();
                    call.onError(Status.Code.valueOf(input.substring(5)).toStatus()
                            .withDescription("asked to fail").asRuntimeException());
                    return;
                }
                inputs.onNext(request);
                if (!pace.isZero() && !ended.get()) {
                    pacer.schedule(() -> call.request(1), pace.toNanos(), TimeUnit.NANOSECONDS);
                }
            }

            @Override
            public void onError(Throwable failure) {
                end.run();
                outputs.cancel();
            }

            @Override
            public void onCompleted() {
                inputs.onComplete();
            }
        };
    }
}
