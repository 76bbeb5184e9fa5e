package io.grpcbridge.chat.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.grpcbridge.chat.api.Request;
import io.grpcbridge.chat.api.Response;
import io.smallrye.mutiny.Multi;

/** The conversation as a stream: answers in order, and the end command ends it. */
class ChatServiceTest {

    private final ChatService chat = new ChatService();

    @Test
    void shouldAnswerEveryInputInOrder() {
        assertThat(converse("a", "返回数据流", "b")).containsExactlyElementsOf(Stream.concat(Stream.concat(
                Stream.of("服务端返回: a"),
                IntStream.range(0, 10).mapToObj(i -> "数据流 #" + i)),
                Stream.of("服务端返回: b")).toList());
    }

    @Test
    void shouldCompleteWhenTheClientHalfCloses() {
        assertThat(converse()).isEmpty();
        assertThat(converse("hi\n")).containsExactly("服务端返回: hi\n");
    }

    @Test
    void shouldEndAConversationTheClientKeepsOpenAndCancelItsInputs() {
        AtomicBoolean inputsCancelled = new AtomicBoolean();
        Multi<Request> neverCompleting = Multi.createFrom().<Request> emitter(emitter -> {
            emitter.emit(request("before"));
            emitter.emit(request("结束对话\n"));
            emitter.emit(request("after"));
        }).onCancellation().invoke(() -> inputsCancelled.set(true));

        List<String> outputs = chat.bidStream(neverCompleting).map(Response::getOutput)
                .collect().asList().await().atMost(Duration.ofSeconds(5));

        assertThat(outputs).containsExactly("服务端返回: before", "收到结束指令");
        assertThat(inputsCancelled).isTrue();
    }

    @Test
    void shouldNeverSendTheEndMarker() {
        assertThat(converse("", "结束对话")).containsExactly("服务端返回: ", "收到结束指令");
    }

    private List<String> converse(String... inputs) {
        return chat.bidStream(Multi.createFrom().items(Stream.of(inputs).map(ChatServiceTest::request)))
                .map(Response::getOutput)
                .collect().asList().await().atMost(Duration.ofSeconds(5));
    }

    private static Request request(String input) {
        return Request.newBuilder().setInput(input).build();
    }
}
