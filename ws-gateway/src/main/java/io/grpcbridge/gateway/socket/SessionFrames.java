package io.grpcbridge.gateway.socket;

import java.io.IOException;

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

    /** Opens call {@code call} of {@code method}, granting {@code credit} responses. */
    record Open(long call, String method, long credit) implements Frame {
    }

    /** One request of call {@code call}, in its method's JSON. */
    record Request(long call, JsonObject message) implements Frame {
    }

    /** Half-closes call {@code call}. */
    record End(long call) implements Frame {
    }

    /** Cancels call {@code call}. */
    record Cancel(long call) implements Frame {
    }

    /** Grants call {@code call} {@code credit} more responses. */
    record Credit(long call, long credit) implements Frame {
    }

    /** Not a frame of the protocol; {@code call} is the call it names, or 0. */
    record Bad(long call, String reason) implements Frame {
    }

    private static final String EXPECTED = "a frame is {\"call\":<id>} with one of \"open\" (and \"credit\"), "
            + "\"message\", \"end\", \"cancel\" or \"credit\"";
    /** The largest call id, and credit: what a JavaScript number holds exactly is more, this is plenty. */
    private static final long MAX_NUMBER = Integer.MAX_VALUE;

    private SessionFrames() {
    }

    static Frame decode(String text) {
        JsonObject frame;
        try {
            frame = StrictJson.parseObject(text);
        } catch (IOException | JsonParseException | IllegalStateException e) {
            return new Bad(0, "not valid JSON; " + EXPECTED);
        }
        if (frame == null) {
            return new Bad(0, "not a JSON object; " + EXPECTED);
        }
        long call = number(frame.get("call"), 1);
        if (call < 0) {
            return new Bad(0, "\"call\" must be an integer from 1 to " + MAX_NUMBER + "; " + EXPECTED);
        }
        if (frame.has("open")) {
            return open(call, frame);
        }
        if (frame.size() != 2) {
            return new Bad(call, "a frame names its call and one more member; " + EXPECTED);
        }
        if (frame.has("message")) {
            return frame.get("message") instanceof JsonObject message ? new Request(call, message)
                    : new Bad(call, "\"message\" must be a JSON object");
        }
        if (frame.has("end")) {
            return isTrue(frame.get("end")) ? new End(call) : new Bad(call, "\"end\" must be true");
        }
        if (frame.has("cancel")) {
            return isTrue(frame.get("cancel")) ? new Cancel(call) : new Bad(call, "\"cancel\" must be true");
        }
        if (frame.has("credit")) {
            long credit = number(frame.get("credit"), 1);
            return credit < 0 ? new Bad(call, "\"credit\" must be an integer from 1 to " + MAX_NUMBER) : new Credit(call, credit);
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

    /** The session's first frame: the bounds its calls live by. */
    static String session(int maxCalls, int requestCredit) {
        JsonObject bounds = new JsonObject();
        bounds.addProperty("maxCalls", maxCalls);
        bounds.addProperty("requestCredit", requestCredit);
        JsonObject frame = new JsonObject();
        frame.add("session", bounds);
        return frame.toString();
    }

    static String credit(long call, long credit) {
        return "{\"call\":" + call + ",\"credit\":" + credit + "}";
    }

    static String headers(long call, Metadata headers) {
        return ofCall(call, "headers", EnvelopeFrames.toJson(headers));
    }

    /** A response, already in its method's JSON. */
    static String message(long call, String json) {
        return "{\"call\":" + call + ",\"message\":" + json + "}";
    }

    static String status(long call, String code, String message, Metadata trailers) {
        return ofCall(call, "status", EnvelopeFrames.status(code, message, trailers));
    }

    /** An error of call {@code call}, or of the session when {@code call} is 0. */
    static String error(long call, String code, String message) {
        JsonObject error = new JsonObject();
        error.addProperty("code", code);
        error.addProperty("message", message);
        if (call == 0) {
            JsonObject frame = new JsonObject();
            frame.add("error", error);
            return frame.toString();
        }
        return ofCall(call, "error", error);
    }

    private static String ofCall(long call, String kind, JsonElement value) {
        JsonObject frame = new JsonObject();
        frame.addProperty("call", call);
        frame.add(kind, value);
        return frame.toString();
    }
}
