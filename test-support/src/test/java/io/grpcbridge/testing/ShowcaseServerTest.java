package io.grpcbridge.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.grpcbridge.showcase.CountRequest;
import io.grpcbridge.showcase.Everything;
import io.grpcbridge.showcase.Line;
import io.grpcbridge.showcase.Number;
import io.grpcbridge.showcase.ShowcaseGrpc;
import io.grpcbridge.showcase.Tick;
import io.grpcbridge.showcase.Total;

/** The showcase served for real, called over a real grpc-java channel. */
class ShowcaseServerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Metadata.Key<String> KIND = Metadata.Key.of("x-showcase-kind", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> OUTCOME = Metadata.Key.of("x-showcase-trailer", Metadata.ASCII_STRING_MARSHALLER);

    private static final Pattern READY = Pattern.compile("showcase listening on (\\d+)");

    private static ShowcaseServer server;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        server = ShowcaseServer.builder().start();
        channel = plaintextChannel(server.port());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        server.close();
    }

    @Test
    void echoAnswersWithTheRequestUnchanged() {
        Everything everything = everything();
        AtomicReference<Metadata> headers = new AtomicReference<>();
        AtomicReference<Metadata> trailers = new AtomicReference<>();

        Everything echoed = ShowcaseGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
                .echo(everything);

        assertThat(echoed).isEqualTo(everything);
        assertThat(headers.get().get(KIND)).isEqualTo("unary");
        assertThat(trailers.get().get(OUTCOME)).isEqualTo("done");
    }

    @Test
    void echoFailsWithTheStatusFailWithNames() {
        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class,
                () -> ShowcaseGrpc.newBlockingStub(channel).echo(Everything.newBuilder().setFailWith("NOT_FOUND").build()));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(failure.getStatus().getDescription()).isEqualTo("asked to fail");
        assertThat(failure.getTrailers().get(OUTCOME)).isEqualTo("failed");
    }

    @Test
    void echoRejectsAFailWithThatNamesNoFailure() {
        for (String name : List.of("OK", "not_found", "NO_SUCH_CODE")) {
            StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class,
                    () -> ShowcaseGrpc.newBlockingStub(channel).echo(Everything.newBuilder().setFailWith(name).build()));

            assertThat(failure.getStatus().getCode()).as(name).isEqualTo(Status.Code.INVALID_ARGUMENT);
        }
    }

    @Test
    void countStreamsTheTicksInOrderAndCountsThem() {
        long sentBefore = server.service().ticksSent();

        List<Tick> ticks = new ArrayList<>();
        ShowcaseGrpc.newBlockingStub(channel).count(CountRequest.newBuilder().setCount(5).setPaddingBytes(3).build())
                .forEachRemaining(ticks::add);

        assertThat(ticks).extracting(Tick::getIndex).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(ticks).extracting(Tick::getPadding).containsOnly("xxx");
        assertThat(server.service().ticksSent() - sentBefore).isEqualTo(5);
    }

    @Test
    void countWaitsItsIntervalAfterEachTickButTheLast() {
        server.service().setTickInterval(Duration.ofMillis(40));
        try {
            List<Tick> ticks = new ArrayList<>();
            long started = System.nanoTime();
            ShowcaseGrpc.newBlockingStub(channel).count(CountRequest.newBuilder().setCount(4).build()).forEachRemaining(ticks::add);

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(120));
            assertThat(ticks).extracting(Tick::getIndex).containsExactly(0L, 1L, 2L, 3L);
        } finally {
            server.service().setTickInterval(Duration.ZERO);
        }
    }

    @Test
    void sumAddsUpEveryNumberAndCountsThem() {
        long receivedBefore = server.service().numbersReceived();

        assertThat(sum(LongStream.rangeClosed(1, 100)))
                .isEqualTo(Total.newBuilder().setSum(5050).setCount(100).setAscending(true).build());
        assertThat(server.service().numbersReceived() - receivedBefore).isEqualTo(100);
    }

    @Test
    void sumStillAddsUpWhenItWaitsBeforeEachNumber() {
        server.service().setSumDelay(Duration.ofMillis(2));
        try {
            assertThat(sum(LongStream.of(-3, 4, 5))).isEqualTo(Total.newBuilder().setSum(6).setCount(3).setAscending(true).build());
        } finally {
            server.service().setSumDelay(Duration.ZERO);
        }
    }

    @Test
    void sumSaysWhetherTheNumbersCameInAscendingOrder() {
        assertThat(sum(LongStream.of(1, 3, 2)).getAscending()).isFalse();
        assertThat(sum(LongStream.of(1, 2, 3)).getAscending()).isTrue();
    }

    @Test
    void converseAnswersEachLineUpperCasedAndEndsWhenTheClientDoes() {
        AtomicReference<Metadata> headers = new AtomicReference<>();
        AtomicReference<Metadata> trailers = new AtomicReference<>();
        Recorder<Line> answers = new Recorder<>();

        StreamObserver<Line> lines = ShowcaseGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
                .converse(answers);
        lines.onNext(Line.newBuilder().setText("hello").build());
        lines.onNext(Line.newBuilder().setText("Grüße, 世界").build());
        lines.onCompleted();

        assertThat(answers.closed).succeedsWithin(TIMEOUT).isEqualTo(Status.OK);
        assertThat(answers.received).extracting(Line::getText).containsExactly("HELLO", "GRÜSSE, 世界");
        assertThat(headers.get().get(KIND)).isEqualTo("bidi_streaming");
        assertThat(trailers.get().get(OUTCOME)).isEqualTo("done");
    }

    @Test
    void reflectionV1ListsTheShowcase() {
        assertThat(listServices(channel)).contains("showcase.Showcase", "grpc.health.v1.Health",
                "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");
    }

    @Test
    @SuppressWarnings("deprecation") // the v1alpha stubs, which a server with only v1alpha serves
    void aServerWithOnlyV1alphaReflectionAnswersOnlyV1alpha() throws Exception {
        try (ShowcaseServer v1alphaOnly = ShowcaseServer.builder().reflection(ShowcaseServer.Reflection.V1ALPHA).start()) {
            ManagedChannel v1alphaChannel = plaintextChannel(v1alphaOnly.port());
            try {
                Recorder<io.grpc.reflection.v1alpha.ServerReflectionResponse> v1alpha = new Recorder<>();
                StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> requests =
                        io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(v1alphaChannel).serverReflectionInfo(v1alpha);
                requests.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("").build());
                requests.onCompleted();

                assertThat(v1alpha.closed).succeedsWithin(TIMEOUT).isEqualTo(Status.OK);
                assertThat(v1alpha.received.get(0).getListServicesResponse().getServiceList())
                        .extracting(io.grpc.reflection.v1alpha.ServiceResponse::getName)
                        .contains("showcase.Showcase")
                        .doesNotContain("grpc.reflection.v1.ServerReflection");
                assertThat(listServicesCall(v1alphaChannel).closed).as("a v1 call").succeedsWithin(TIMEOUT)
                        .extracting(Status::getCode).isEqualTo(Status.Code.UNIMPLEMENTED);
            } finally {
                v1alphaChannel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void healthSaysTheShowcaseIsServing() {
        assertThat(HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.newBuilder().setService(ShowcaseGrpc.SERVICE_NAME).build()).getStatus())
                .isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void mainServesOnThePortItIsGivenAndSaysSo() throws Exception {
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), ShowcaseServer.class.getName(), "0")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String firstLine = output.readLine();
            assertThat(firstLine).as("its first line").isNotNull();
            Matcher ready = READY.matcher(firstLine);
            assertThat(ready.matches()).as("its first line, %s, says where it listens", firstLine).isTrue();

            ManagedChannel processChannel = plaintextChannel(Integer.parseInt(ready.group(1)));
            try {
                assertThat(ShowcaseGrpc.newBlockingStub(processChannel).echo(everything())).isEqualTo(everything());
                assertThat(listServices(processChannel)).contains("showcase.Showcase");
            } finally {
                processChannel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        } finally {
            process.destroy();
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("ended on SIGTERM").isTrue();
        }
    }

    /** Every field set, but fail_with and the oneof's other member; an Any that packs a Nested. */
    private static Everything everything() {
        Everything everything = ShowcaseMessages.everything();
        assertThat(everything.getAllFields()).as("the fields set")
                .hasSize(Everything.getDescriptor().getFields().size() - 2);
        return everything;
    }

    private static Total sum(LongStream values) {
        Recorder<Total> total = new Recorder<>();
        StreamObserver<Number> numbers = ShowcaseGrpc.newStub(channel).sum(total);
        values.forEach(value -> numbers.onNext(Number.newBuilder().setValue(value).build()));
        numbers.onCompleted();

        assertThat(total.closed).succeedsWithin(TIMEOUT).isEqualTo(Status.OK);
        assertThat(total.received).hasSize(1);
        return total.received.get(0);
    }

    private static List<String> listServices(ManagedChannel on) {
        Recorder<ServerReflectionResponse> call = listServicesCall(on);
        assertThat(call.closed).succeedsWithin(TIMEOUT).isEqualTo(Status.OK);
        return call.received.get(0).getListServicesResponse().getServiceList().stream().map(ServiceResponse::getName).toList();
    }

    /** A reflection v1 call that asks for the list of services, then half-closes. */
    private static Recorder<ServerReflectionResponse> listServicesCall(ManagedChannel on) {
        Recorder<ServerReflectionResponse> responses = new Recorder<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(on).serverReflectionInfo(responses);
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        return responses;
    }

    private static ManagedChannel plaintextChannel(int port) {
        return NettyChannelBuilder.forAddress("localhost", port).usePlaintext().build();
    }
}
