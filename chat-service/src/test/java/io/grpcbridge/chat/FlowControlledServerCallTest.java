package io.grpcbridge.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCalls;
import io.smallrye.mutiny.Multi;

/**
 * The adapter on its own, with plain strings as messages over a real grpc-java server and channel:
 * it knows nothing of Chat.
 */
class FlowControlledServerCallTest {

    static final int WINDOW_BYTES = 64 * 1024;
    static final String PAYLOAD = "x".repeat(100);

    static final MethodDescriptor<String, String> METHOD = MethodDescriptor.<String, String> newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
            .setFullMethodName("test.Strings/Talk")
            .setRequestMarshaller(new Utf8())
            .setResponseMarshaller(new Utf8())
            .build();

    final AtomicLong produced = new AtomicLong();
    final AtomicInteger callsEnded = new AtomicInteger();
    final FlowControlledServerCall.Listener listener = new FlowControlledServerCall.Listener() {
        @Override
        public void onOutputSent() {
            produced.incrementAndGet();
        }

        @Override
        public void onCallEnded() {
            callsEnded.incrementAndGet();
        }
    };

    Server server;
    ManagedChannel channel;
    /** The one thread that runs the client calls' callbacks (onReady included). */
    final ExecutorService clientCallbacks = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        clientCallbacks.shutdownNow();
    }

    @Test
    void shouldStopProducingAtTheWindowWhenTheClientReadsNothing() throws Exception {
        start(inputs -> inputs.onItem().transformToMultiAndConcatenate(
                input -> Multi.createFrom().range(0, 10_000).map(i -> input + "-" + i + PAYLOAD)));
        Client client = Client.open(channel, 0);
        client.requests.onNext("a");
        client.requests.onCompleted();

        awaitStalls(produced::get);
        // A 100-byte output is 109 bytes on the wire: at most the client's window plus the server's
        // 64 KiB send window plus one output, of the 10,000 the logic would produce.
        assertThat(produced.get()).isLessThanOrEqualTo(2L * WINDOW_BYTES / 109 + 1);

        client.requests.request(Integer.MAX_VALUE);
        assertThat(client.closed.get(20, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
        assertThat(client.outputs).containsExactlyElementsOf(
                IntStream.range(0, 10_000).mapToObj(i -> "a-" + i + PAYLOAD).toList());
        assertThat(callsEnded).hasValue(1);
    }

    @Test
    void shouldPullInputsOnlyAsTheLogicAsksForThem() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        // The logic takes one input, then waits: the client must be held back by flow control.
        start(inputs -> inputs.onItem().transformToUniAndConcatenate(
                input -> io.smallrye.mutiny.Uni.createFrom().completionStage(release.thenApply(v -> input))));
        Client client = Client.open(channel, Integer.MAX_VALUE);
        AtomicInteger sent = new AtomicInteger();
        Runnable sendWhileReady = () -> {
            while (client.requests.isReady() && sent.get() < 100_000) {
                client.requests.onNext(PAYLOAD);
                sent.incrementAndGet();
            }
        };
        client.onReady = sendWhileReady;
        // A ClientCallStreamObserver is not thread-safe: every send and the half-close run on the
        // thread of the call's callbacks, never beside an onReady.
        clientCallbacks.submit(sendWhileReady).get(10, TimeUnit.SECONDS);

        awaitStalls(sent::get);
        // 105 bytes on the wire each: the server's window, the client's 32 KiB ready threshold and
        // one message may be in flight, nothing more, while the logic holds its first input.
        assertThat(sent.get()).isLessThanOrEqualTo((WINDOW_BYTES + 32 * 1024) / 105 + 1);

        clientCallbacks.submit(() -> {
            client.onReady = () -> {
            };
            release.complete(null);
            client.requests.onCompleted();
        }).get(10, TimeUnit.SECONDS);
        assertThat(client.closed.get(20, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
        assertThat(client.outputs).hasSize(sent.get());
    }

    @Test
    void shouldCancelTheLogicAndEndOnceWhenTheClientCancels() throws Exception {
        CompletableFuture<Void> logicCancelled = new CompletableFuture<>();
        start(inputs -> inputs.map(String::toUpperCase).onCancellation().invoke(() -> logicCancelled.complete(null)));
        Client client = Client.open(channel, Integer.MAX_VALUE);
        client.requests.onNext("hello");
        await().atMost(Duration.ofSeconds(10)).until(() -> client.outputs.contains("HELLO"));

        client.requests.cancel("gone", null);

        logicCancelled.get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> callsEnded.get() == 1);
    }

    @Test
    void shouldEndTheCallWithTheStatusOfAFailedLogic() throws Exception {
        start(inputs -> inputs.onItem().transform(input -> {
            throw Status.INVALID_ARGUMENT.withDescription("no " + input).asRuntimeException();
        }));
        Client client = Client.open(channel, Integer.MAX_VALUE);
        client.requests.onNext("thanks");

        Status status = client.closed.get(10, TimeUnit.SECONDS);
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).isEqualTo("no thanks");
        assertThat(callsEnded).hasValue(1);
    }

    private void start(Function<Multi<String>, Multi<String>> logic) throws IOException {
        ServerServiceDefinition service = ServerServiceDefinition.builder("test.Strings")
                .addMethod(METHOD, ServerCalls.asyncBidiStreamingCall(
                        responses -> FlowControlledServerCall.start(responses, logic, listener)))
                .build();
        server = NettyServerBuilder.forPort(0).addService(service).flowControlWindow(WINDOW_BYTES).build().start();
        channel = NettyChannelBuilder.forAddress("localhost", server.getPort())
                .usePlaintext()
                .flowControlWindow(WINDOW_BYTES)
                .executor(clientCallbacks)
                .build();
    }

    /** Waits until a growing count has stopped growing between two polls. */
    private static void awaitStalls(LongSupplier count) {
        AtomicLong previous = new AtomicLong(-1);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    long now = count.getAsLong();
                    return now > 0 && now == previous.getAndSet(now);
                });
    }

    /** A client call that reads {@code initialRequest} outputs, then only what the test requests. */
    static final class Client implements ClientResponseObserver<String, String> {
        final List<String> outputs = new CopyOnWriteArrayList<>();
        final CompletableFuture<Status> closed = new CompletableFuture<>();
        final int initialRequest;
        ClientCallStreamObserver<String> requests;
        volatile Runnable onReady = () -> {
        };

        private Client(int initialRequest) {
            this.initialRequest = initialRequest;
        }

        static Client open(ManagedChannel channel, int initialRequest) {
            Client client = new Client(initialRequest);
            ClientCalls.asyncBidiStreamingCall(channel.newCall(METHOD, CallOptions.DEFAULT), client);
            return client;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<String> requestStream) {
            requests = requestStream;
            requestStream.disableAutoRequestWithInitial(initialRequest);
            requestStream.setOnReadyHandler(() -> onReady.run());
        }

        @Override
        public void onNext(String output) {
            outputs.add(output);
        }

        @Override
        public void onError(Throwable failure) {
            closed.complete(Status.fromThrowable(failure));
        }

        @Override
        public void onCompleted() {
            closed.complete(Status.OK);
        }
    }

    static final class Utf8 implements MethodDescriptor.Marshaller<String> {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
