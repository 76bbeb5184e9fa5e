package io.grpcbridge.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
import io.netty.handler.ssl.SslContext;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real gRPC server on a free port that the gateway under test calls as its {@code chat} service.
 * It answers like chat-service, plus {@code fail:<CODE>}, which fails the call with that status; it
 * can be stopped and started again on the same port, and paced to take one request per interval.
 */
public class FakeChatServer implements QuarkusTestResourceLifecycleManager {

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
        // In test mode Quarkus dials a client's test-port, not its port.
        return Map.of("quarkus.grpc.clients.chat.host", "localhost",
                "quarkus.grpc.clients.chat.port", String.valueOf(port),
                "quarkus.grpc.clients.chat.test-port", String.valueOf(port));
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
            // Bound by hand, not as a ChatImplBase subclass, so Quarkus does not take it for a service of the gateway.
            ServerServiceDefinition chat = ServerServiceDefinition.builder(ChatGrpc.getServiceDescriptor())
                    .addMethod(ChatGrpc.getBidStreamMethod(), recordingHeaders(ServerCalls.asyncBidiStreamingCall(FakeChatServer::bidStream)))
                    .build();
            NettyServerBuilder builder = NettyServerBuilder.forPort(onPort).addService(chat);
            if (tls != null) {
                builder.sslContext(tls);
            }
            server = builder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ServerCallHandler<Request, Response> recordingHeaders(ServerCallHandler<Request, Response> handler) {
        return (call, headers) -> {
            lastCallHeaders.set(headers);
            return handler.startCall(call, headers);
        };
    }

    private static StreamObserver<Request> bidStream(StreamObserver<Response> responses) {
        ServerCallStreamObserver<Response> call = (ServerCallStreamObserver<Response>) responses;
        Duration pace = requestPace;
        if (!pace.isZero()) {
            call.disableAutoRequest();
            call.request(1);
        }
        activeCalls.incrementAndGet();
        AtomicInteger ended = new AtomicInteger();
        Runnable end = () -> {
            if (ended.getAndIncrement() == 0) {
                activeCalls.decrementAndGet();
            }
        };
        call.setOnCancelHandler(end);
        return new StreamObserver<>() {
            @Override
            public void onNext(Request request) {
                String input = request.getInput();
                if (input.equals("结束对话")) {
                    call.onNext(output("收到结束指令"));
                    end.run();
                    call.onCompleted();
                    return;
                }
                if (input.startsWith("fail:")) {
                    end.run();
                    call.onError(Status.Code.valueOf(input.substring(5)).toStatus()
                            .withDescription("asked to fail").asRuntimeException());
                    return;
                }
                if (input.equals("返回数据流")) {
                    for (int i = 0; i < 10; i++) {
                        call.onNext(output("数据流 #" + i));
                    }
                } else {
                    call.onNext(output("服务端返回: " + input));
                }
                if (!pace.isZero()) {
                    pacer.schedule(() -> call.request(1), pace.toNanos(), TimeUnit.NANOSECONDS);
                }
            }

            @Override
            public void onError(Throwable failure) {
                end.run();
            }

            @Override
            public void onCompleted() {
                end.run();
                call.onCompleted();
            }
        };
    }

    private static Response output(String text) {
        return Response.newBuilder().setOutput(text).build();
    }
}
