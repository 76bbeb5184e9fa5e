package io.grpcbridge.gateway.socket;

import java.io.IOException;
import java.util.Base64;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.protobuf.Message;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpcbridge.gateway.backend.BridgedMethod;
import io.grpcbridge.gateway.backend.FlowControlledClientCall;
import io.grpcbridge.gateway.json.MessageJson;
import io.grpcbridge.gateway.json.StrictJson;

/**
 * The frames of a method socket ({@code /ws/package.Service/Method}, docs/protocol.md): each message
 * in an envelope, {@code {"message": ...}}, beside {@code {"end":true}}, {@code {"headers": ...}},
 * {@code {"error": ...}} and the {@code {"status": ...}} frame that always ends the call.
 */
public final class EnvelopeFrames implements FrameFormat {

    private static final String EXPECTED = "a frame is {\"message\":{...}} or {\"end\":true}";

    private final BridgedMethod method;

    public EnvelopeFrames(BridgedMethod method) {
        this.method = method;
    }

    @Override
    public ClientFrame decode(String text) {
        JsonObject frame;
        try {
            frame = StrictJson.parseObject(text);
        } catch (IOException | JsonParseException | IllegalStateException e) {
            return new ClientFrame.Bad("not valid JSON; " + EXPECTED);
        }
        if (frame == null || frame.size() != 1) {
            return new ClientFrame.Bad("not a JSON object with one member; " + EXPECTED);
        }
        if (frame.has("end")) {
            JsonElement end = frame.get("end");
            return end.isJsonPrimitive() && end.getAsJsonPrimitive().isBoolean() && end.getAsBoolean() ? new ClientFrame.End()
                    : new ClientFrame.Bad("\"end\" must be true");
        }
        if (!(frame.get("message") instanceof JsonObject message)) {
            return new ClientFrame.Bad(frame.has("message") ? "\"message\" must be a JSON object (a " + method.input().getFullName() + ")"
                    : "unknown member \"" + frame.keySet().iterator().next() + "\"; " + EXPECTED);
        }
        try {
            return new ClientFrame.Input(method.json().parse(message, method.input()));
        } catch (MessageJson.BadMessage e) {
            return new ClientFrame.Bad(e.getMessage());
        }
    }

    @Override
    public String peer() {
        return method.backend();
    }

    @Override
    public String echo(Message input) {
        return null;
    }

    @Override
    public String output(Message output) {
        return "{\"message\":" + method.json().print(output) + "}";
    }

    @Override
    public String error(String code, String message) {
        return FrameFormat.errorFrame(code, message);
    }

    @Override
    public String headers(Metadata headers) {
        return wrap("headers", toJson(headers));
    }

    @Override
    public Ending ended(FlowControlledClientCall.Outcome outcome) {
        Status status = outcome.status();
        String message = statusMessage(outcome, method);
        String frame = wrap("status", status(status.getCode().name(), message, outcome.trailers()));
        return status.getCode() == Status.Code.UNAVAILABLE
                ? new Ending(frame, CloseRules.TRY_AGAIN_LATER, message.isEmpty() ? "call ended: UNAVAILABLE" : message)
                : new Ending(frame, CloseRules.NORMAL, "call ended: " + status.getCode().name());
    }

    /**
     * What the client is told of a call's end: the backend's own message whatever the code; for a
     * backend grpc-java could not reach, whose description may name its address, the gateway's own.
     */
    static String statusMessage(FlowControlledClientCall.Outcome outcome, BridgedMethod method) {
        Status status = outcome.status();
        return !outcome.fromBackend() && status.getCode() == Status.Code.UNAVAILABLE ? method.backend() + " unavailable"
                : status.getDescription() == null ? "" : status.getDescription();
    }

    @Override
    public String closing(int closeCode, String reason) {
        Status.Code code = switch (closeCode) {
            case CloseRules.GOING_AWAY -> Status.Code.UNAVAILABLE;
            case CloseRules.POLICY_VIOLATION, CloseRules.MESSAGE_TOO_BIG -> Status.Code.RESOURCE_EXHAUSTED;
            default -> Status.Code.INTERNAL;
        };
        return wrap("status", status(code.name(), reason, null));
    }

    /** A status frame's value: {@code {"code":…,"message":…,"trailers":{…}}}. */
    static JsonObject status(String code, String message, Metadata trailers) {
        JsonObject status = new JsonObject();
        status.addProperty("code", code);
        status.addProperty("message", message);
        status.add("trailers", trailers == null ? new JsonObject() : toJson(trailers));
        return status;
    }

    private static String wrap(String name, JsonElement value) {
        JsonObject frame = new JsonObject();
        frame.add(name, value);
        return frame.toString();
    }

    /** Metadata as strings: {@code -bin} keys in base64; gRPC's and HTTP's own keys left out. */
    static JsonObject toJson(Metadata metadata) {
        JsonObject json = new JsonObject();
        for (String key : metadata.keys()) {
            if (key.startsWith("grpc-") || key.equals("content-type")) {
                continue;
            }
            StringBuilder value = new StringBuilder();
            if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                for (byte[] bytes : metadata.getAll(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER))) {
                    value.append(value.isEmpty() ? "" : ",").append(Base64.getEncoder().encodeToString(bytes));
                }
            } else {
                for (String each : metadata.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER))) {
                    value.append(value.isEmpty() ? "" : ", ").append(each);
                }
            }
            json.addProperty(key, value.toString());
        }
        return json;
    }
}
