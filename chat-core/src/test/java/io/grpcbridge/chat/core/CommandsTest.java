package io.grpcbridge.chat.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.grpcbridge.chat.api.Response;

/** The seed's command table, with its exact strings. */
class CommandsTest {

    @Test
    void shouldEchoAnyOtherInputWithThePrefix() {
        assertThat(outputs("hello")).containsExactly("服务端返回: hello");
        assertThat(outputs("你好")).containsExactly("服务端返回: 你好");
        assertThat(Commands.answer("hello").endsConversation()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = { "hi\n", "", "结束对话 ", " 结束对话", "结束对话\n\n", "结束对话\r\n", "返回数据流 ", "返回数据流\n\n" })
    void shouldEchoTheInputExactlyAsReceived(String input) {
        Commands.Answer answer = Commands.answer(input);

        assertThat(answer.outputs()).extracting(Response::getOutput).containsExactly("服务端返回: " + input);
        assertThat(answer.endsConversation()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = { "返回数据流", "返回数据流\n" })
    void shouldAnswerTheStreamCommandWithTenOutputsInOrder(String input) {
        Commands.Answer answer = Commands.answer(input);

        assertThat(answer.outputs()).extracting(Response::getOutput)
                .containsExactlyElementsOf(IntStream.range(0, 10).mapToObj(i -> "数据流 #" + i).toList());
        assertThat(answer.endsConversation()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = { "结束对话", "结束对话\n" })
    void shouldAcknowledgeAndEndTheConversation(String input) {
        Commands.Answer answer = Commands.answer(input);

        assertThat(answer.outputs()).extracting(Response::getOutput).containsExactly("收到结束指令");
        assertThat(answer.endsConversation()).isTrue();
    }

    @Test
    void shouldNameTheSeedsCommands() {
        assertThat(Commands.END_CONVERSATION).isEqualTo("结束对话");
        assertThat(Commands.STREAM_DATA).isEqualTo("返回数据流");
        assertThat(Commands.ECHO_PREFIX).isEqualTo("服务端返回: ");
    }

    private static List<String> outputs(String input) {
        return Commands.answer(input).outputs().stream().map(Response::getOutput).toList();
    }
}
