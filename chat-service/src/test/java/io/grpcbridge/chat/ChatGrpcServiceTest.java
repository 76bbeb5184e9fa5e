package io.grpcbridge.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.grpcbridge.testing.RecordingCall;
import io.quarkus.test.common.http.TestHTTPResource;
import io.grpcbridge.testing.Prometheus;
import io.quarkus.test.junit.QuarkusTest;

/** The seed's behaviour, over a real gRPC channel to the real service on its unified HTTP port. */
@QuarkusTest
class ChatGrpcServiceTest {

    @TestHTTPResource("/")
    URL root;

    ManagedChannel channel;

    @BeforeEach
    void openChannel() {
        channel = ManagedChannelBuilder.forAddress(root.getHost(), root.getPort()).usePlaintext().build();
    }

    @AfterEach
    void closeChannel() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void shouldEchoAnyOtherInputWithThePrefix() throws Exception {
        RecordingCall call = RecordingCall.open(channel).send("hello", "你好");
        call.halfClose();

        assertThat(call.awaitClose().getCode()).isEqualTo(Status.Code.OK);
        assertThat(call.outputs).containsExactly("服务端返回: hello", "服务端返回: 你好");
    }

    @Test
    void shouldEchoTheInputExactlyAsReceivedIncludingItsNewline() throws Exception {
        RecordingCall call = RecordingCall.open(channel).send("hi\n", "", "结束对话 ");
        call.halfClose();

        assertThat(call.awaitClose().getCode()).isEqualTo(Status.Code.OK);
        assertThat(call.outputs).containsExactly("服务端返回: hi\n", "服务端返回: ", "服务端返回: 结束对话 ");
    }

    @ParameterizedTest
    @ValueSource(strings = { "返回数据流", "返回数据流\n" })
    void shouldStreamTenOutputsInOrder(String command) throws Exception {
        RecordingCall call = RecordingCall.open(channel).send(command);
        call.halfClose();

        assertThat(call.awaitClose().getCode()).isEqualTo(Status.Code.OK);
        assertThat(call.outputs).containsExactlyElementsOf(
                IntStream.range(0, 10).mapToObj(i -> "数据流 #" + i).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = { "结束对话", "结束对话\n" })
    void shouldEndAStreamTheClientKeepsOpen(String command) throws Exception {
        RecordingCall call = RecordingCall.open(channel).send("before", command, "after");

        assertThat(call.awaitClose().getCode()).isEqualTo(Status.Code.OK);
        assertThat(call.outputs).containsExactly("服务端返回: before", "收到结束指令");
    }

    @Test
    void shouldCompleteAfterTheOutputsAlreadyDueWhenTheClientHalfCloses() throws Exception {
        RecordingCall call = RecordingCall.open(channel).send("返回数据流", "last");
        call.halfClose();

        assertThat(call.awaitClose().getCode()).isEqualTo(Status.Code.OK);
        assertThat(call.outputs).hasSize(11).endsWith("服务端返回: last");
    }

    @Test
    void shouldAnswerOneThousandPipelinedInputsInOrder() throws Exception {
        List<String> inputs = IntStream.range(0, 1_000).mapToObj(i -> "m-" + i).toList();
        RecordingCall call = RecordingCall.open(channel).send(inputs.toArray(String[]::new));
        call.halfClose();

        assertThat(call.awaitClose().getCode()).isEqualTo(Status.Code.OK);
        assertThat(call.outputs).containsExactlyElementsOf(inputs.stream().map(i -> "服务端返回: " + i).toList());
    }

    @Test
    void shouldGiveOneHundredConcurrentStreamsOnlyTheirOwnAnswers() throws Exception {
        List<RecordingCall> calls = new ArrayList<>();
        for (int s = 0; s < 100; s++) {
            calls.add(RecordingCall.open(channel));
        }
        for (int round = 0; round < 5; round++) {
            for (int s = 0; s < calls.size(); s++) {
                calls.get(s).send("s" + s + "-r" + round);
            }
        }
        calls.forEach(RecordingCall::halfClose);

        for (int s = 0; s < calls.size(); s++) {
            RecordingCall call = calls.get(s);
            assertThat(call.awaitClose().getCode()).isEqualTo(Status.Code.OK);
            int stream = s;
            assertThat(call.outputs).containsExactlyElementsOf(
                    IntStream.range(0, 5).mapToObj(r -> "服务端返回: s" + stream + "-r" + r).toList());
        }
    }

    @Test
    void shouldReleaseACancelledStream() throws Exception {
        double before = Prometheus.sample(root.toURI(), "chat_streams_active");
        RecordingCall call = RecordingCall.open(channel).send("返回数据流");
        await().atMost(Duration.ofSeconds(10)).until(() -> Prometheus.sample(root.toURI(), "chat_streams_active") == before + 1);

        call.cancel();

        assertThat(call.awaitClose().getCode()).isEqualTo(Status.Code.CANCELLED);
        await().atMost(Duration.ofSeconds(10)).until(() -> Prometheus.sample(root.toURI(), "chat_streams_active") == before);
    }

    @Test
    void shouldCountStreamsThatEndEveryWayBackToTheBaseline() throws Exception {
        double before = Prometheus.sample(root.toURI(), "chat_streams_active");
        RecordingCall halfClosed = RecordingCall.open(channel).send("a");
        RecordingCall ended = RecordingCall.open(channel).send("结束对话");
        halfClosed.halfClose();

        assertThat(halfClosed.awaitClose().getCode()).isEqualTo(Status.Code.OK);
        assertThat(ended.awaitClose().getCode()).isEqualTo(Status.Code.OK);
        await().atMost(Duration.ofSeconds(10)).until(() -> Prometheus.sample(root.toURI(), "chat_streams_active") == before);
    }

    @Test
    void shouldRefuseAnOversizedInputAndKeepServing() throws Exception {
        RecordingCall oversized = RecordingCall.open(channel).send("x".repeat(65 * 1024));

        Status refused = oversized.awaitClose();
        assertThat(refused.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

        RecordingCall next = RecordingCall.open(channel).send("still here", "x".repeat(60 * 1024));
        next.halfClose();
        assertThat(next.awaitClose().getCode()).isEqualTo(Status.Code.OK);
        assertThat(next.outputs).hasSize(2).first().isEqualTo("服务端返回: still here");
    }

    @Test
    void shouldAnswerServingOnTheStandardHealthService() {
        var health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);

        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void shouldListTheChatServiceThroughServerReflection() throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> reflection = ServerReflectionGrpc.newStub(channel)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        answer.complete(response);
                    }

                    @Override
                    public void onError(Throwable failure) {
                        answer.completeExceptionally(failure);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        reflection.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        reflection.onCompleted();

        assertThat(answer.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList())
                .extracting(ServiceResponse::getName)
                .contains("chat.Chat", "grpc.health.v1.Health");
    }
}
