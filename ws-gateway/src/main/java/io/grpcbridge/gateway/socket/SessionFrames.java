package io.grpcbridge.gateway.socket;

import java.io.IOException;
import java.util.Map;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;

import io.grpc.Metadata;
import io.grpcbridge.gateway.json.StrictJson;

/**
 * Protocol v2's frames (docs/protocol.md, "Protocol v2: sessions"): each names its call,
 * {@code {"call": <id>, <kind>: …}}, except the session's own first frame and errors that belong to
 * no call.
 */
final class SessionFrames {

    /** A frame from the client. */
    sealed interface Frame {
    }

    /** A frame of one call that the client numbers ({@code seq}, from 1 per call), to be applied once. */
    sealed interface Numbered extends Frame {
        long call();

        long seq();
    }

    /** Opens call {@code call} of {@code method}, granting {@code credit} responses. */
    record Open(long call, String method, long credit) implements Frame {
    }

    /** One request of call {@code call}, in its method's JSON. */
    record Request(long call, long seq, JsonObject message) implements Numbered {
    }

    /** Half-closes call {@code call}. */
    record End(long call, long seq) implements Numbered {
    }

    /** Cancels call {@code call}. */
    record Cancel(long call, long seq) implements Numbered {
    }

    /** Grants call {@code call} {@code credit} more responses. */
    record Credit(long call, long seq, long credit) implements Numbered {
    }

    /** The client has every frame of call {@code call} up to {@code seq}: the gateway may forget them. */
    record Ack(long call, long seq) implements Frame {
    }

    /** The first frame on a socket that resumes a session. */
    record Resume(String token) implements Frame {
    }

    /** Not a frame of the protocol; {@code call} is the call it names, or 0. */
    record Bad(long call, String reason) implements Frame {
    }

    private static final String EXPECTED = "a frame is {\"call\":<id>} with \"open\" (and \"credit\"), with \"ack\", "
            + "or with \"seq\" and one of \"message\", \"end\", \"cancel\" or \"credit\"; or {\"resume\":<token>}";
    /** The largest call id, and credit: what a JavaScript number holds exactly is more, this is plenty. */
    private static final long MAX_NUMBER = Integer.MAX_VALUE;
    private static final String ACK_START = "{\"call\":";
    private static final String ACK_MIDDLE = ",\"ack\":";

    private SessionFrames() {
    }

    static Frame decode(String text) {
        Ack ack = plainAck(text);
        return ack != null ? ack : parsed(text);
    }

    /**
     * An ack written as the client library and most clients write it, {@code {"call":<id>,"ack":<seq>}}
     * with no space, read without a JSON parser: a client acknowledges about once per response it
     * reads, and parsing those took 6.4–6.8 % of the gateway's CPU with calls one request deep
     * (docs/benchmarks.md). Null for anything else, which {@link #parsed} reads as it reads every frame.
     */
    static Ack plainAck(String text) {
        if (!text.startsWith(ACK_START) || !text.endsWith("}")) {
            return null;
        }
        int comma = text.indexOf(ACK_MIDDLE, ACK_START.length());
        if (comma < 0) {
            return null;
        }
        long call = plainNumber(text, ACK_START.length(), comma);
        long seq = plainNumber(text, comma + ACK_MIDDLE.length(), text.length() - 1);
        return call < 0 || seq < 0 ? null : new Ack(call, seq);
    }

    /** The digits of {@code text} from {@code start} to {@code end} as a number from 1 to {@link #MAX_NUMBER}, or -1. */
    private static long plainNumber(String text, int start, int end) {
        if (end <= start || end - start > 10 || text.charAt(start) == '0') {
            return -1;
        }
        long number = 0;
        for (int i = start; i < end; i++) {
            char digit = text.charAt(i);
            if (digit < '0' || digit > '9') {
                return -1;
            }
            number = number * 10 + (digit - '0');
        }
        return number <= MAX_NUMBER ? number : -1;
    }

    static Frame parsed(String text) {
        JsonObject frame;
        try {
            frame = StrictJson.parseObject(text);
        } catch (IOException | JsonParseException | IllegalStateException e) {
            return new Bad(0, "not valid JSON; " + EXPECTED);
        }
        if (frame == null) {
            return new Bad(0, "not a JSON object; " + EXPECTED);
        }
        if (frame.has("resume") && frame.size() == 1) {
            return frame.get("resume") instanceof JsonPrimitive token && token.isString() ? new Resume(token.getAsString())
                    : new Bad(0, "\"resume\" must be the session's token");
        }
        long call = number(frame.get("call"), 1);
        if (call < 0) {
            return new Bad(0, "\"call\" must be an integer from 1 to " + MAX_NUMBER + "; " + EXPECTED);
        }
        if (frame.has("open")) {
            return open(call, frame);
        }
        if (frame.has("ack")) {
            long seq = number(frame.get("ack"), 1);
            return seq < 0 || frame.size() != 2 ? new Bad(call, "an ack frame is {\"call\":<id>,\"ack\":<seq>}") : new Ack(call, seq);
        }
        long seq = number(frame.get("seq"), 1);
        if (seq < 0) {
            return new Bad(call, "\"seq\" must be an integer from 1 to " + MAX_NUMBER + ": the frame's number in its call");
        }
        if (frame.size() != 3) {
            return new Bad(call, "a frame names its call, its seq and one more member; " + EXPECTED);
        }
        if (frame.has("message")) {
            return frame.get("message") instanceof JsonObject message ? new Request(call, seq, message)
                    : new Bad(call, "\"message\" must be a JSON object");
        }
        if (frame.has("end")) {
            return isTrue(frame.get("end")) ? new End(call, seq) : new Bad(call, "\"end\" must be true");
        }
        if (frame.has("cancel")) {
            return isTrue(frame.get("cancel")) ? new Cancel(call, seq) : new Bad(call, "\"cancel\" must be true");
        }
        if (frame.has("credit")) {
            long credit = number(frame.get("credit"), 1);
            return credit < 0 ? new Bad(call, "\"credit\" must be an integer from 1 to " + MAX_NUMBER) : new Credit(call, seq, credit);
        }
        return new Bad(call, "unknown member; " + EXPECTED);
    }

    private static Frame open(long call, JsonObject frame) {
        if (!(frame.get("open") instanceof JsonPrimitive method) || !method.isString()) {
            return new Bad(call, "\"open\" must be a method's name, \"package.Service/Method\"");
        }
        long credit = frame.has("credit") ? number(frame.get("credit"), 0) : 0;
        if (credit < 0) {
            return new Bad(call, "\"credit\" must be an integer from 0 to " + MAX_NUMBER);
        }
        if (frame.size() != (frame.has("credit") ? 3 : 2)) {
            return new Bad(call, "an open frame has \"call\", \"open\" and \"credit\" only");
        }
        return new Open(call, method.getAsString(), credit);
    }

    /** The value as an integer from {@code min} to {@link #MAX_NUMBER}, or -1. */
    private static long number(JsonElement value, long min) {
        if (!(value instanceof JsonPrimitive primitive) || !primitive.isNumber()) {
            return -1;
        }
        try {
            long number = primitive.getAsBigDecimal().longValueExact();
            return number >= min && number <= MAX_NUMBER ? number : -1;
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    private static boolean isTrue(JsonElement value) {
        return value instanceof JsonPrimitive primitive && primitive.isBoolean() && primitive.getAsBoolean();
    }

    // ---- from the gateway --------------------------------------------------------------------

    /** The session's first frame: what resumes it, and the bounds its calls live by. */
    static String session(String token, String gateway, long resumeWindowMillis, int maxCalls, int requestCredit) {
        JsonObject session = new JsonObject();
        session.addProperty("token", token);
        session.addProperty("gateway", gateway);
        session.addProperty("resumeWindowMs", resumeWindowMillis);
        session.addProperty("maxCalls", maxCalls);
        session.addProperty("requestCredit", requestCredit);
        JsonObject frame = new JsonObject();
        frame.add("session", session);
        return frame.toString();
    }

    /**
     * The first frame on a resuming socket: the last call id the gateway saw opened, and each call
     * the session still keeps with the last of its frames the gateway got.
     */
    static String resumed(long lastCall, Map<Long, Long> lastSeqReceived) {
        JsonObject calls = new JsonObject();
        lastSeqReceived.forEach((call, seq) -> {
            JsonObject received = new JsonObject();
            received.addProperty("ack", seq);
            calls.add(String.valueOf(call), received);
        });
        JsonObject resumed = new JsonObject();
        resumed.addProperty("lastCall", lastCall);
        resumed.add("calls", calls);
        JsonObject frame = new JsonObject();
        frame.add("resumed", resumed);
        return frame.toString();
    }

    /** A frame of call {@code call}: its number, the client's frames it acknowledges (0: none new), then its kind and value. */
    static String ofCall(long call, long seq, long ack, String kind, String value) {
        return "{\"call\":" + call + ",\"seq\":" + seq + (ack > 0 ? ",\"ack\":" + ack : "") + ",\"" + kind + "\":" + value + "}";
    }

    static String headers(Metadata headers) {
        return EnvelopeFrames.toJson(headers).toString();
    }

    static String status(String code, String message, Metadata trailers) {
        return EnvelopeFrames.status(code, message, trailers).toString();
    }

    static String error(String code, String message) {
        return FrameFormat.errorValue(code, message).toString();
    }

    /** A call's status sent before the call exists (it could not open): numbered 1. */
    static String refusal(long call, String code, String message) {
        return ofCall(call, 1, 0, "status", status(code, message, null));
    }

    /** An error of the session, not of one call: the error frame of every format. */
    static String sessionError(String code, String message) {
        return FrameFormat.errorFrame(code, message);
    }
}
