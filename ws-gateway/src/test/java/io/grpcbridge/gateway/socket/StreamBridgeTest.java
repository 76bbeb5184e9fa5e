package io.grpcbridge.gateway.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpcbridge.chat.api.Request;
import io.grpcbridge.gateway.admission.SocketPaths;
import io.grpcbridge.gateway.v1.ChatFrames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The rules of one socket's bridge, driven directly: a fake client socket whose frames are written
 * only when the test says so, a fake call that takes inputs and answers only when told, a clock the
 * test sets, and a real Vert.x event loop for the bridge to live on.
 */
class StreamBridgeTest {

    private static final long SECOND = 1_000_000_000L;

    private final Vertx vertx = Vertx.vertx();
    private final Context eventLoop = vertx.getOrCreateContext();
    private final AtomicLong clock = new AtomicLong(42 * SECOND);
    private final TestLimits limits = new TestLimits();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private MemoryBudget budget = new MemoryBudget(1 << 20);
    private GatewayMetrics metrics = new GatewayMetrics(registry, budget);

    @AfterEach
    void closeVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void anInputIsEchoedThenGivenToTheCallAndItsOutputFollows() {
        Socket socket = open();

        socket.text("{\"input\":\"hello\"}");
        onLoop(() -> socket.call.take(1));
        onLoop(() -> socket.call.answer("服务端返回: hello"));

        assertThat(socket.client.frames).containsExactly("{\"input\":\"hello\"}", "{\"output\":\"服务端返回: hello\"}");
        assertThat(socket.call.taken).containsExactly("hello");
    }

    @Test
    void outputsArePacedByTheSendWindowInFramesAndInBytes() {
        Socket socket = open();
        assertThat(socket.call.requested).as("the send window, in frames").isEqualTo(limits.sendWindow);

        String large = "x".repeat(1000);
        onLoop(() -> {
            for (int i = 0; i < 3; i++) {
                socket.call.answer(large);
            }
        });
        onLoop(socket.client::writeAll);
        assertThat(socket.call.requested).as("three written: three more").isEqualTo(4);

        onLoop(() -> {
            for (int i = 0; i < 4; i++) {
                socket.call.answer(large);
            }
        });
        // 4 × 1,013 bytes unwritten: past the 2,048-byte window, nothing more is asked for.
        assertThat(socket.call.requested).isZero();
        onLoop(socket.client::writeAll);
        assertThat(socket.call.requested).isEqualTo(limits.sendWindow);
    }

    @Test
    void aClientThatDoesNotReadIsClosed1008WhenItsUnwrittenFramesPassTheByteBound() {
        Socket socket = open();
        String large = "x".repeat(3000);

        // The send window asks for 4 outputs at once; 3 unread outputs of 3,013 bytes pass 8,192.
        onLoop(() -> {
            for (int i = 0; i < 3; i++) {
                socket.call.answer(large);
            }
        });

        assertThat(socket.client.closes).singleElement()
                .satisfies(close -> assertThat(close.code()).isEqualTo(1008))
                .satisfies(close -> assertThat(close.reason()).contains("client is not reading").contains("6026 bytes"));
        assertThat(socket.call.cancelled).isTrue();
    }

    @Test
    void aClientThatSendsFasterThanItsCallTakesIsNotReadPastItsWindowAndLosesNothing() {
        Socket socket = open();

        for (int i = 0; i < 20; i++) {
            socket.text("{\"input\":\"" + i + "\"}");
        }
        assertThat(socket.client.unread()).as("read: the window of 8").isEqualTo(12);
        assertThat(socket.client.paused()).isTrue();
        assertThat(registry.get("gateway.reads.paused").tag("reason", "window").counter().count()).isEqualTo(1);
        assertThat(registry.get("gateway.sockets.paused").gauge().value()).isEqualTo(1);

        onLoop(() -> socket.call.take(3));
        assertThat(socket.client.unread()).as("three taken: three more read").isEqualTo(9);
        onLoop(socket.client::writeAll);
        onLoop(() -> socket.call.take(100));

        assertThat(socket.client.unread()).isZero();
        assertThat(socket.client.paused()).isFalse();
        assertThat(registry.get("gateway.sockets.paused").gauge().value()).isZero();
        assertThat(socket.call.taken).containsExactlyElementsOf(IntStream.range(0, 20).mapToObj(String::valueOf).toList());
        assertThat(socket.client.closes).isEmpty();
    }

    @Test
    void theWindowIsCountedInBytesToo() {
        Socket socket = open();
        String input = "{\"input\":\"" + "z".repeat(1000) + "\"}"; // 1,012 bytes

        for (int i = 0; i < 6; i++) {
            socket.text(input);
        }
        onLoop(socket.client::writeAll);

        assertThat(socket.client.unread()).as("read while under 4,096 bytes: 5").isEqualTo(1);
        assertThat(budget.held()).isEqualTo(5 * 1012);
        onLoop(() -> socket.call.take(1));
        assertThat(socket.client.unread()).isZero();
        assertThat(socket.client.closes).isEmpty();
    }

    @Test
    void aClientThatReadsTooSlowlyIsNotReadWhileHalfItsUnwrittenBoundWaits() {
        limits.inputWindow = 100;
        limits.inputWindowBytes = 100_000;
        Socket socket = open();
        String input = "{\"input\":\"" + "y".repeat(1000) + "\"}"; // echoes of 1,012 bytes

        for (int i = 0; i < 10; i++) {
            socket.text(input);
        }
        // 4 echoes make 4,048 bytes, under half of 8,192: a fifth is read, then no more.
        assertThat(socket.client.unwritten()).isEqualTo(5);
        assertThat(socket.client.unread()).isEqualTo(5);
        assertThat(registry.get("gateway.reads.paused").tag("reason", "unwritten").counter().count()).isEqualTo(1);

        onLoop(socket.client::writeAll);
        onLoop(socket.client::writeAll);

        assertThat(socket.client.unread()).isZero();
        assertThat(socket.client.frames).hasSize(10);
        assertThat(socket.client.closes).isEmpty();
    }

    @Test
    void theInputRateIsMeasuredOnTheClockItIsGivenAndPacesInsteadOfDropping() {
        limits.maxInputsPerSecond = 3;
        limits.inputWindow = 100;
        Socket socket = open();

        for (int i = 0; i < 5; i++) {
            socket.text("{\"input\":\"" + i + "\"}");
        }
        assertThat(socket.client.unread()).as("a second's worth read").isEqualTo(2);
        assertThat(registry.get("gateway.reads.paused").tag("reason", "rate").counter().count()).isEqualTo(1);

        clock.addAndGet(SECOND / 3 + 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> onLoop(() -> socket.client.unread() == 1));
        clock.addAndGet(SECOND / 3 + 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> onLoop(() -> socket.client.unread() == 0));

        assertThat(socket.client.frames).containsExactly("{\"input\":\"0\"}", "{\"input\":\"1\"}",
                "{\"input\":\"2\"}", "{\"input\":\"3\"}", "{\"input\":\"4\"}");
        assertThat(socket.client.closes).isEmpty();
    }

    @Test
    void underBudgetPressureASocketThatHoldsInputsReadsNoMoreWhileAnEmptyOneReadsOne() {
        limits.inputWindow = 100;
        limits.inputWindowBytes = 100_000;
        limits.maxUnwrittenBytes = 100_000;
        budget = new MemoryBudget(10_000);
        metrics = new GatewayMetrics(new SimpleMeterRegistry(), budget);
        Socket hoarder = open();
        Socket polite = open();
        String large = "{\"input\":\"" + "h".repeat(1000) + "\"}";

        for (int i = 0; i < 12; i++) {
            hoarder.text(large); // input untaken and echo unwritten: about 2 KB held each
        }
        assertThat(budget.underPressure()).isTrue();
        assertThat(hoarder.client.unread()).as("read until past three quarters of 10,000").isEqualTo(8);
        polite.text("{\"input\":\"hello\"}", "{\"input\":\"again\"}");
        assertThat(polite.client.unread()).as("an empty window reads one").isEqualTo(1);

        onLoop(() -> polite.call.take(1));
        assertThat(polite.client.unread()).isZero();
        assertThat(budget.evictions()).isZero();
        assertThat(hoarder.client.closes).isEmpty();
    }

    @Test
    void endHalfClosesTheCallAndAFurtherInputGetsInvalidArgument() {
        Socket socket = open();

        socket.text("{\"end\":true}");
        onLoop(() -> socket.call.take(1));
        assertThat(socket.call.inputsCompleted).isTrue();
        assertThat(socket.bridge.state()).isEqualTo(StreamBridge.State.INPUT_ENDED);

        socket.text("{\"input\":\"late\"}");
        assertThat(socket.client.frames).singleElement().asString().contains("INVALID_ARGUMENT").contains("input after");
        onLoop(socket.call::complete);
        assertThat(socket.client.closes).containsExactly(new FakeClientSocket.Close(1000, "chat ended"));
        assertThat(socket.bridge.state()).isEqualTo(StreamBridge.State.CLOSED);
    }

    @Test
    void aFailedCallSendsItsStatusThenClosesByTheRules() {
        Socket socket = open();

        onLoop(() -> socket.call.fail(Status.UNAVAILABLE.withDescription("connection refused")));

        assertThat(socket.client.frames)
                .containsExactly("{\"error\":{\"code\":\"UNAVAILABLE\",\"message\":\"chat unavailable\"}}");
        assertThat(socket.client.closes).containsExactly(new FakeClientSocket.Close(1013, "chat unavailable"));
    }

    @Test
    void theBackendsOwnUnavailableKeepsItsMessage() {
        Socket socket = open();

        onLoop(() -> socket.call.fail(Status.UNAVAILABLE.withDescription("asked UNAVAILABLE ✓ 100% 🎉"), true));

        assertThat(socket.client.frames).containsExactly(
                "{\"error\":{\"code\":\"UNAVAILABLE\",\"message\":\"chat: asked UNAVAILABLE ✓ 100% 🎉\"}}");
        assertThat(socket.client.closes).singleElement().satisfies(close -> assertThat(close.code()).isEqualTo(1013));
    }

    @Test
    void drainingDeliversTheOutputsDueThenCloses1001() {
        Socket socket = open();
        socket.text("{\"input\":\"a\"}");

        socket.bridge.drain(Duration.ofMinutes(1));
        onLoop(() -> {
        });
        assertThat(socket.bridge.state()).isEqualTo(StreamBridge.State.DRAINING);
        socket.text("{\"input\":\"b\"}");
        onLoop(() -> {
            socket.call.take(2);
            socket.call.answer("服务端返回: a");
            socket.call.complete();
        });

        assertThat(socket.client.frames).containsExactly("{\"input\":\"a\"}",
                "{\"error\":{\"code\":\"UNAVAILABLE\",\"message\":\"gateway restarting: input not accepted\"}}",
                "{\"output\":\"服务端返回: a\"}");
        assertThat(socket.client.closes).containsExactly(new FakeClientSocket.Close(1001, "gateway restarting"));
    }

    @Test
    void drainingClosesWith1001AtItsTimeoutWhenOutputsAreStillDue() {
        Socket socket = open();

        CompletableFuture<Void> closed = socket.bridge.drain(Duration.ofMillis(50)).toCompletableFuture();

        await().atMost(Duration.ofSeconds(10)).until(() -> onLoop(() -> !socket.client.closes.isEmpty()));
        assertThat(socket.client.closes).singleElement().satisfies(close -> assertThat(close.code()).isEqualTo(1001));
        assertThat(closed).isNotDone();
        onLoop(() -> socket.bridge.onSocketClosed(1001));
        assertThat(closed).isDone();
    }

    @Test
    void theSocketHoldingTheMostIsClosedWhenTheGatewayPassesItsBudgetAndTheOthersKeepWorking() {
        limits.sendWindow = 64;
        limits.sendWindowBytes = 100_000;
        limits.maxUnwrittenBytes = 200_000;
        budget = new MemoryBudget(10_000);
        metrics = new GatewayMetrics(new SimpleMeterRegistry(), budget);
        Socket polite = open();
        Socket hoarder = open();
        polite.text("{\"input\":\"hello\"}");
        String large = "h".repeat(1000);

        onLoop(() -> {
            for (int i = 0; i < 12; i++) {
                hoarder.call.answer(large); // outputs its client does not read: 1,013 bytes each
            }
        });
        onLoop(() -> {
        }); // the eviction runs on the socket's event loop

        assertThat(hoarder.client.closes).singleElement()
                .satisfies(close -> assertThat(close.code()).isEqualTo(1008))
                .satisfies(close -> assertThat(close.reason()).contains("memory budget"));
        assertThat(polite.client.closes).isEmpty();
        onLoop(() -> polite.call.take(1));
        onLoop(() -> polite.call.answer("服务端返回: hello"));
        assertThat(polite.client.frames).last().isEqualTo("{\"output\":\"服务端返回: hello\"}");
        assertThat(budget.evictions()).isEqualTo(1);
    }

    @Test
    void everythingASocketHeldIsGivenBackWhenItIsGoneHoweverItEnded() {
        Socket socket = open();
        for (int i = 0; i < 10; i++) {
            socket.text("{\"input\":\"" + "q".repeat(300) + "\"}");
        }
        assertThat(budget.held()).isPositive();
        assertThat(registry.get("gateway.streams.active").gauge().value()).isEqualTo(1);
        assertThat(registry.get("gateway.sockets.paused").gauge().value()).isEqualTo(1);

        onLoop(() -> socket.bridge.onSocketClosed(1006));

        assertThat(budget.held()).isZero();
        assertThat(socket.call.cancelled).isTrue();
        assertThat(registry.get("gateway.streams.active").gauge().value()).isZero();
        assertThat(registry.get("gateway.inputs.pending").gauge().value()).isZero();
        assertThat(registry.get("gateway.sockets.paused").gauge().value()).isZero();
    }

    @Test
    void aFrameOneByteOverTheLimitCloses1009() {
        Socket socket = open();

        socket.text("{\"input\":\"" + "é".repeat(506) + "\"}"); // 12 + 1,012 = 1,024 bytes: at the limit
        socket.text("{\"input\":\"" + "é".repeat(506) + "x\"}");

        assertThat(socket.client.frames).hasSize(1);
        assertThat(socket.client.closes).singleElement().satisfies(close -> assertThat(close.code()).isEqualTo(1009));
    }

    /** A bridge on the event loop, with its fake socket and call. */
    private final class Socket {
        final FakeClientSocket client = new FakeClientSocket();
        final FakeCall call = new FakeCall();
        final StreamBridge bridge;

        Socket() {
            StreamBridge.Shared shared = new StreamBridge.Shared(limits, metrics, budget, clock::get);
            StreamBridge.Method chat = new StreamBridge.Method(new ChatFrames("chat", Request.getDefaultInstance()), true,
                    SocketPaths.V1_METHOD);
            bridge = onLoop(() -> {
                StreamBridge opened = StreamBridge.open(client, null, true, eventLoop, shared, chat, call);
                client.deliverTo(opened::onText);
                return opened;
            });
        }

        /** The client sends these; each is read as soon as the bridge wants it. */
        void text(String... frames) {
            for (String frame : frames) {
                onLoop(() -> client.arrive(frame));
            }
        }
    }

    private Socket open() {
        return new Socket();
    }

    private void onLoop(Runnable action) {
        onLoop(() -> {
            action.run();
            return null;
        });
    }

    private <T> T onLoop(Supplier<T> action) {
        CompletableFuture<T> result = new CompletableFuture<>();
        eventLoop.runOnContext(ignored -> {
            try {
                result.complete(action.get());
            } catch (Throwable failure) {
                result.completeExceptionally(failure);
            }
        });
        return result.orTimeout(10, TimeUnit.SECONDS).join();
    }
}
