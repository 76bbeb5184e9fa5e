package io.grpcbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Frames of protocol v1 (docs/protocol.md): building the client's, reading the gateway's. */
final class Protocol {

    static final String REPLY_PREFIX = "服务端返回: ";
    static final String STREAM_COMMAND = "返回数据流";
    static final String STREAM_PREFIX = "数据流 #";
    static final int STREAM_OUTPUTS = 10;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INPUT_HEAD = "{\"input\":\"";
    private static final String OUTPUT_HEAD = "{\"output\":\"";
    private static final String TAIL = "\"}";

    /** One frame from the gateway. */
    sealed interface Frame {}

    /** {@code {"input":..}}: the echo of an accepted input. */
    record Echo(String text) implements Frame {}

    /** {@code {"output":..}}: one response. */
    record Output(String text) implements Frame {}

    /** {@code {"error":{"code":..,"message":..}}}. */
    record Error(String code, String message) implements Frame {}

    /** A method socket's {@code headers} or {@code status} frame: part of every call, no answer to a request. */
    record CallFrame(String raw) implements Frame {}

    /** Anything else: not JSON, another shape, a binary frame. */
    record Other(String raw) implements Frame {}

    /**
     * How a socket's frames carry the chat's fields: protocol v1's own at {@code /ws}; a method
     * socket's envelope ({@code {"message": <Request>}} out, {@code {"message": <Response>}} in, a
     * {@code headers} frame first and a {@code status} frame last) at
     * {@code /ws/chat.Chat/BidStream}; at {@code /session}, the bare request and response, which
     * {@link SessionCall} wraps in and takes out of its call's frames ({@link SessionProtocol}).
     */
    enum Framing {
        V1, ENVELOPE, SESSION;

        private static final String MESSAGE_HEAD = "{\"message\":";

        /** By the URL's path: a method socket's is {@code /ws/package.Service/Method}, a session's {@code /session}. */
        static Framing of(String path) {
            return path.startsWith("/ws/") ? ENVELOPE : path.equals(SessionProtocol.PATH) ? SESSION : V1;
        }

        /** Whether the gateway echoes each request before its answer (protocol v1 does; method sockets and sessions do not). */
        boolean echoes() {
            return this == V1;
        }

        String input(String text) {
            String request = Protocol.input(text);
            return this == ENVELOPE ? MESSAGE_HEAD + request + "}" : request;
        }

        Frame parse(String frame) {
            if (this == ENVELOPE && frame.startsWith(MESSAGE_HEAD) && frame.endsWith("}")) {
                return Protocol.parse(frame.substring(MESSAGE_HEAD.length(), frame.length() - 1));
            }
            if (this == ENVELOPE && (frame.startsWith("{\"headers\":") || frame.startsWith("{\"status\":"))) {
                return new CallFrame(frame);
            }
            return Protocol.parse(frame);
        }
    }

    private Protocol() {
    }

    static String input(String text) {
        StringBuilder b = new StringBuilder(text.length() + 16).append(INPUT_HEAD);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append(TAIL).toString();
    }

    /**
     * The gateway writes frames in exactly one shape, so a plain string check reads nearly all of
     * them; anything with escapes, spaces, other members or order goes through Jackson, so another
     * formatting of the same JSON is read the same.
     */
    static Frame parse(String frame) {
        String fast = exactOutput(frame);
        if (fast != null) {
            return new Output(fast);
        }
        fast = exactShape(frame, INPUT_HEAD);
        if (fast != null) {
            return new Echo(fast);
        }
        return parseJson(frame);
    }

    /** The text of an {@code {"output":..}} frame in the gateway's exact shape (no escapes), else null. */
    static String exactOutput(String frame) {
        return exactShape(frame, OUTPUT_HEAD);
    }

    private static String exactShape(String frame, String head) {
        if (!frame.startsWith(head) || !frame.endsWith(TAIL) || frame.length() < head.length() + TAIL.length()) {
            return null;
        }
        String body = frame.substring(head.length(), frame.length() - TAIL.length());
        return body.indexOf('"') < 0 && body.indexOf('\\') < 0 ? body : null;
    }

    /** {@code frame} as a JSON object, or null when it is not one (not JSON, or another value). */
    static JsonNode jsonObject(String frame) {
        try {
            JsonNode node = JSON.readTree(frame);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Frame parseJson(String frame) {
        JsonNode node = jsonObject(frame);
        if (node == null || node.size() != 1) {
            return new Other(frame);
        }
        JsonNode input = node.get("input");
        if (input != null && input.isTextual()) {
            return new Echo(input.textValue());
        }
        JsonNode output = node.get("output");
        if (output != null && output.isTextual()) {
            return new Output(output.textValue());
        }
        JsonNode error = node.get("error");
        if (error != null && error.isObject() && error.path("code").isTextual()) {
            return new Error(error.get("code").textValue(), error.path("message").asText(""));
        }
        return new Other(frame);
    }
}
