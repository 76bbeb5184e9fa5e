package io.grpcbridge.gateway.fakes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpcbridge.chat.api.Request;
import io.grpcbridge.chat.api.Response;
import io.grpcbridge.chat.core.ChatService;
import io.grpcbridge.testing.RecordingCall;
import io.smallrye.mutiny.Multi;

/**
 * The fake chat-service the gateway's tests call answers the seed's commands exactly as chat-service
 * does: the cases of chat-service's ChatGrpcServiceTest, over a real gRPC channel, including the
 * trailing-newline rule (the fake's old re-implementation echoed {@code "结束对话\n"}), and, for any
 * conversation, the outputs of chat-core's {@link ChatService}, the class chat-service runs.
 * <p>
 * The fake's service runs on a server of this test's own, so that a Quarkus test's fake is untouched.
 */
class FakeChatServerTest {

    static final FakeChatServer fakeChat = new FakeChatServer();
    static Server server;
    static ManagedChannel channel;

    @BeforeAll
    static void start() throws IOException {
        server = NettyServerBuilder.forPort(0).addService(fakeChat.service()).build().start();
        channel = ManagedChannelBuilder.forAddress("localhost", server.getPort()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void shouldEchoAnyOtherInputWithThePrefix() throws Exception {
        RecordingCall call = RecordingCall.open(channel).send("hello", "你好").halfClose();

        assertThat(call.awaitClose().getCode()).isEqualTo(Status.Code.OK);
        assertThat(call.outputs).containsExactly("服务端返回: hello", "服务端返回: 你好");
    }

    @Test
    void shouldEchoTheInputExactlyAsReceivedIncludingItsNewline() throws Exception {
        RecordingCall call = RecordingCall.open(channel).send("hi\n", "", "结束对话 ").halfClose();

        assertThat(call.awaitClose().getCode()).isEqualTo(Status.Code.OK);
        assertThat(call.outputs).containsExactly("服务端返回: hi\n", "服务端返回: ", "服务端返回: 结束对话 ");
    }

    @ParameterizedTest
    @ValueSource(strings = { "返回数据流", "返回数据流\n" })
    void shouldStreamTenOutputsInOrder(String command) throws Exception {
        RecordingCall call = RecordingCall.open(channel).send(command).halfClose();

        assertThat(call.awaitClose().getCode()).isEqualTo(Status.Code.OK);
        assertThat(call.outputs).containsExactlyElementsOf(IntStream.range(0, 10).mapToObj(i -> "数据流 #" + i).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = { "结束对话", "结束对话\n" })
    void shouldEndAStreamTheClientKeepsOpen(String command) throws Exception {
        int callsBefore = fakeChat.activeCalls();
        RecordingCall call = RecordingCall.open(channel).send("before", command, "after");

        assertThat(call.awaitClose().getCode()).isEqualTo(Status.Code.OK);
        assertThat(call.outputs).containsExactly("服务端返回: before", "收到结束指令");
        await().atMost(Duration.ofSeconds(5)).until(() -> fakeChat.activeCalls() == callsBefore);
    }

    @Test
    void shouldCompleteAfterTheOutputsAlreadyDueWhenTheClientHalfCloses() throws Exception {
        RecordingCall call = RecordingCall.open(channel).send("返回数据流", "last").halfClose();

        assertThat(call.awaitClose().getCode()).isEqualTo(Status.Code.OK);
        assertThat(call.outputs).hasSize(11).endsWith("服务端返回: last");
    }

    static Stream<List<String>> conversations() {
        return Stream.of(
                List.of("a", "返回数据流", "b"),
                List.of("返回数据流\n", "结束对话\n", "after"),
                List.of("\n", "结束对话\n\n", "返回数据流 ", "结束对话\r\n", "结束对话", "after"),
                List.of("x".repeat(1_000), "你好\n"));
    }

    @ParameterizedTest
    @MethodSource("conversations")
    void shouldAnswerAnyConversationAsChatServicesLogicDoes(List<String> inputs) throws Exception {
        List<String> chatService = new ChatService()
                .bidStream(Multi.createFrom().iterable(inputs).map(FakeChatServerTest::request))
                .map(Response::getOutput)
                .collect().asList().await().atMost(Duration.ofSeconds(5));

        RecordingCall call = RecordingCall.open(channel).send(inputs.toArray(String[]::new)).halfClose();

        assertThat(call.awaitClose().getCode()).isEqualTo(Status.Code.OK);
        assertThat(call.outputs).isNotEmpty().containsExactlyElementsOf(chatService);
    }

    @Test
    void shouldFailACallWhenAskedToAndReleaseIt() throws Exception {
        int callsBefore = fakeChat.activeCalls();
        RecordingCall call = RecordingCall.open(channel).send("first", "fail:INTERNAL", "never answered");

        assertThat(call.awaitClose().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(call.outputs).containsExactly("服务端返回: first");
        await().atMost(Duration.ofSeconds(5)).until(() -> fakeChat.activeCalls() == callsBefore);
    }

    private static Request request(String input) {
        return Request.newBuilder().setInput(input).build();
    }
}
