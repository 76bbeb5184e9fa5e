package io.grpcbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Frames of protocol v2, sessions at {@code /session} (docs/protocol.md): building the client's,
 * reading the gateway's. A call's request and response inside them are the chat's own
 * ({@code {"input":..}}, {@code {"output":..}}), read by {@link Protocol}.
 */
final class SessionProtocol {

    static final String PATH = "/session";
    static final String CHAT_METHOD = "chat.Chat/BidStream";

    private static final String CALL_HEAD = "{\"call\":";

    /** One frame from the gateway. */
    sealed interface Frame {}

    /** The session's first frame, {@code {"session":{..}}}: its token and bounds, which the tool does not need. */
    record Opened() implements Frame {}

    /** {@code {"error":{"code":..,"message":..}}}: a frame of the client's that was not one of the protocol's. */
    record Error(String code, String message) implements Frame {}

    /** Anything else: not JSON, another shape. */
    record Other(String raw) implements Frame {}

    /** What a call frame carries, after {@code "call"}, {@code "seq"} and the optional {@code "ack"}. */
    enum Kind { CREDIT, HEADERS, MESSAGE, ERROR, STATUS }

    /**
     * {@code {"call":id,"seq":s[,"ack":a],"<kind>":..}}: {@code credit} for CREDIT, {@code body} (the
     * response, as {@link Protocol} reads it) for MESSAGE, {@code code} for ERROR and STATUS.
     */
    record CallFrame(long call, long seq, Kind kind, long credit, Protocol.Frame body, String code) implements Frame {

        static CallFrame credit(long call, long seq, long credit) {
            return new CallFrame(call, seq, Kind.CREDIT, credit, null, null);
        }

        static CallFrame message(long call, long seq, Protocol.Frame body) {
            return new CallFrame(call, seq, Kind.MESSAGE, 0, body, null);
        }

        static CallFrame headers(long call, long seq) {
            return new CallFrame(call, seq, Kind.HEADERS, 0, null, null);
        }

        static CallFrame ended(long call, long seq, Kind kind, String code) {
            return new CallFrame(call, seq, kind, 0, null, code);
        }
    }

    private static final Map<String, Kind> KINDS = Map.of(
            "credit", Kind.CREDIT, "headers", Kind.HEADERS, "message", Kind.MESSAGE, "error", Kind.ERROR, "status", Kind.STATUS);

    private SessionProtocol() {
    }

    static String open(long call, long credit) {
        return CALL_HEAD + call + ",\"open\":\"" + CHAT_METHOD + "\",\"credit\":" + credit + "}";
    }

    /** {@code request}: a request's JSON, {@code {"input":..}}. */
    static String message(long call, long seq, String request) {
        return CALL_HEAD + call + ",\"seq\":" + seq + ",\"message\":" + request + "}";
    }

    static String credit(long call, long seq, long credit) {
        return CALL_HEAD + call + ",\"seq\":" + seq + ",\"credit\":" + credit + "}";
    }

    static String ack(long call, long seq) {
        return CALL_HEAD + call + ",\"ack\":" + seq + "}";
    }

    /**
     * The gateway writes its call frames in one shape, so its responses and credit frames are read
     * with a plain scan; anything else (headers, status, errors, other spacing or order) goes through
     * Jackson and is held to the same rules.
     */
    static Frame parse(String frame) {
        Frame fast = exactShape(frame);
        return fast != null ? fast : parseJson(frame);
    }

    /** {@code {"call":1,"seq":2[,"ack":3],"message":{"output":"..."}}} or {@code ..,"credit":8}}; else null. */
    private static Frame exactShape(String frame) {
        Scan s = new Scan(frame);
        if (!s.skip(CALL_HEAD)) {
            return null;
        }
        long call = s.number();
        if (call < 1 || !s.skip(",\"seq\":")) {
            return null;
        }
        long seq = s.number();
        if (seq < 1) {
            return null;
        }
        if (s.skip(",\"ack\":") && s.number() < 1) {
            return null;
        }
        if (s.skip(",\"message\":")) {
            String output = frame.endsWith("}") ? Protocol.exactOutput(frame.substring(s.at, frame.length() - 1)) : null;
            return output == null ? null : CallFrame.message(call, seq, new Protocol.Output(output));
        }
        if (s.skip(",\"credit\":")) {
            long credit = s.number();
            return credit >= 1 && s.skip("}") && s.at == frame.length() ? CallFrame.credit(call, seq, credit) : null;
        }
        return null;
    }

    private static Frame parseJson(String frame) {
        JsonNode node = Protocol.jsonObject(frame);
        if (node == null) {
            return new Other(frame);
        }
        if (node.size() == 1 && node.path("session").isObject()) {
            return new Opened();
        }
        if (node.size() == 1 && node.path("error").path("code").isTextual()) {
            return new Error(node.get("error").get("code").textValue(), node.get("error").path("message").asText(""));
        }
        long call = positive(node.get("call"));
        long seq = positive(node.get("seq"));
        boolean hasAck = node.has("ack");
        if (call < 1 || seq < 1 || hasAck && positive(node.get("ack")) < 1 || node.size() != (hasAck ? 4 : 3)) {
            return new Other(frame);
        }
        for (Map.Entry<String, JsonNode> member : node.properties()) {
            Kind kind = KINDS.get(member.getKey());
            if (kind != null) {
                return callFrame(call, seq, kind, member.getValue(), frame);
            }
        }
        return new Other(frame);
    }

    private static Frame callFrame(long call, long seq, Kind kind, JsonNode value, String frame) {
        return switch (kind) {
            case CREDIT -> positive(value) < 1 ? new Other(frame) : CallFrame.credit(call, seq, value.longValue());
            case HEADERS -> value.isObject() ? CallFrame.headers(call, seq) : new Other(frame);
            case MESSAGE -> value.isObject() ? CallFrame.message(call, seq, Protocol.parse(value.toString())) : new Other(frame);
            case ERROR, STATUS -> value.path("code").isTextual() ? CallFrame.ended(call, seq, kind, value.get("code").textValue())
                    : new Other(frame);
        };
    }

    /** An integer from 1 up, or -1. */
    private static long positive(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.canConvertToLong() && n.longValue() >= 1 ? n.longValue() : -1;
    }

    /** A cursor over a frame for {@link #exactShape}. */
    private static final class Scan {
        final String s;
        int at;

        Scan(String s) {
            this.s = s;
        }

        boolean skip(String literal) {
            if (s.startsWith(literal, at)) {
                at += literal.length();
                return true;
            }
            return false;
        }

        /** Up to 18 digits, or -1. */
        long number() {
            int start = at;
            long n = 0;
            while (at < s.length() && at - start < 18 && s.charAt(at) >= '0' && s.charAt(at) <= '9') {
                n = n * 10 + (s.charAt(at++) - '0');
            }
            return at == start ? -1 : n;
        }
    }
}
