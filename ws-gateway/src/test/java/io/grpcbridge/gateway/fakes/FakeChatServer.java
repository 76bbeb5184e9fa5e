package io.grpcbridge.gateway.fakes;

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
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
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
 * A real gRPC server on a free port that the gateway under test calls as its {@code chat} backend,
 * with server reflection, as chat-service has (the gateway loads the chat's descriptors from it).
 * It answers with chat-service's own logic, chat-core's {@link ChatService} (the chat's commands,
 * exact strings, trailing-newline rule, the end command closing the call), not a re-implementation;
 * only the transport differs (no flow control on outputs). On top of it, {@code fail:<CODE>} fails
 * the call with that status. A test gets it in a field marked {@link InjectFakeChat}: it can be
 * stopped and started again on the same port, paced to take one request per interval, and asked
 * for its open calls and the last call's headers. Before each test it is as new: listening,
 * unpaced, no headers seen, so that test classes can share one gateway. {@code FakeChatServerTest}
 * holds it to chat-service's answers.
 */
public class FakeChatServer implements QuarkusTestResourceLifecycleManager {

    /** chat-service's logic: stateless, so one serves every call. */
    private static final ChatService chat = new ChatService();
    private static final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "fake-chat-pacer");
        thread.setDaemon(true);
        return thread;
    });

    private final AtomicInteger activeCalls = new AtomicInteger();
    private final AtomicReference<Metadata> lastCallHeaders = new AtomicReference<>();
    private volatile Duration requestPace = Duration.ZERO;
    private volatile Server server;
    private volatile int port;
    /** The server's TLS, or null for plaintext. */
    protected volatile SslContext tls;

    @Override
    public Map<String, String> start() {
        startServer(0);
        port = server.getPort();
        // In test mode Quarkus dials a client's test-port, not its port. The chat backend is named
        // here, as beside another backend (the showcase) it is not the gateway's default.
        return Map.of("quarkus.grpc.clients.chat.host", "localhost",
                "quarkus.grpc.clients.chat.port", String.valueOf(port),
                "quarkus.grpc.clients.chat.test-port", String.valueOf(port),
                "gateway.backends.chat.expose", "chat.Chat");
    }

    @Override
    public void stop() {
        stopServer();
    }

    @Override
    public void inject(TestInjector injector) {
        restartServer();
        requestPace = Duration.ZERO;
        lastCallHeaders.set(null);
        injector.injectIntoFields(this, new TestInjector.AnnotatedAndMatchesType(InjectFakeChat.class, FakeChatServer.class));
    }

    /** Calls open now. */
    public int activeCalls() {
        return activeCalls.get();
    }

    /** The headers of the most recent call, or null before any. */
    public Metadata lastCallHeaders() {
        return lastCallHeaders.get();
    }

    /** From the next call on, each call takes one request per {@code pace} (zero: as fast as they come). */
    public void pace(Duration pace) {
        requestPace = pace;
    }

    /** Kills every open call, as a crashed process would, and stops listening. */
    public void stopServer() {
        try {
            server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Listens again on the same port, if stopped. */
    public void restartServer() {
        if (server.isShutdown()) {
            startServer(port);
        }
    }

    private void startServer(int onPort) {
        try {
            NettyServerBuilder builder = NettyServerBuilder.forPort(onPort).addService(service())
                    .addService(ProtoReflectionServiceV1.newInstance());
            if (tls != null) {
                builder.sslContext(tls);
            }
            server = builder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code chat.Chat} service this server runs, for a test to serve on a server of its own. */
    ServerServiceDefinition service() {
        // Bound by hand, not as a ChatImplBase subclass, so Quarkus does not take it for a service of the gateway.
        return ServerServiceDefinition.builder(ChatGrpc.getServiceDescriptor())
                .addMethod(ChatGrpc.getBidStreamMethod(), recordingHeaders(ServerCalls.asyncBidiStreamingCall(this::bidStream)))
                .build();
    }

    private ServerCallHandler<Request, Response> recordingHeaders(ServerCallHandler<Request, Response> handler) {
        return (call, headers) -> {
            lastCallHeaders.set(headers);
            return handler.startCall(call, headers);
        };
    }

    /**
     * One call: the requests feed {@link ChatService#bidStream}, whose outputs go to the call as they
     * come; its completion (the client half-closed, or the end command) completes the call.
     */
    private StreamObserver<Request> bidStream(StreamObserver<Response> responses) {
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
