package io.grpcbridge.chat.core;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.grpcbridge.chat.api.Response;

/**
 * The seed's command table: which inputs are commands, what each answers, and whether it ends the
 * conversation. Anything that is not a command is echoed back. Add a command by adding an entry.
 * <p>
 * Command answers are built once and shared: {@link Response} messages are immutable. Plain Java:
 * chat-service serves it through {@link ChatService}, and ws-gateway's tests fake chat-service with it.
 */
public final class Commands {

    public static final String END_CONVERSATION = "结束对话";
    public static final String STREAM_DATA = "返回数据流";
    public static final String ECHO_PREFIX = "服务端返回: ";

    /** What one input is answered with. */
    public record Answer(List<Response> outputs, boolean endsConversation) {
    }

    private static final Map<String, Answer> TABLE = Map.of(
            END_CONVERSATION, new Answer(List.of(response("收到结束指令")), true),
            STREAM_DATA, new Answer(IntStream.range(0, 10).mapToObj(i -> response("数据流 #" + i)).toList(), false));

    private Commands() {
    }

    /**
     * Answers one input. The seed matches commands with or without one trailing newline; the echo
     * keeps the input exactly as received.
     */
    public static Answer answer(String input) {
        Answer command = TABLE.get(withoutOneTrailingNewline(input));
        return command != null ? command : new Answer(List.of(response(ECHO_PREFIX + input)), false);
    }

    private static String withoutOneTrailingNewline(String input) {
        return input.endsWith("\n") ? input.substring(0, input.length() - 1) : input;
    }

    private static Response response(String output) {
        return Response.newBuilder().setOutput(output).build();
    }
}
