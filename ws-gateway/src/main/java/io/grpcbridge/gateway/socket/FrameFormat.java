package io.grpcbridge.gateway.socket;

import com.google.gson.JsonObject;
import com.google.protobuf.Message;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpcbridge.gateway.backend.FlowControlledClientCall;

/**
 * What a socket's frames look like: the chat contract's own frames on {@code /ws}
 * ({@code ChatFrames}), or the envelope of method sockets ({@link EnvelopeFrames}). The bridge
 * decides when a frame goes; this says what it is.
 */
public interface FrameFormat {

    /** How a call's end reaches the client: the last frame (null: none), then the close. */
    record Ending(String frame, int closeCode, String closeReason) {
    }

    ClientFrame decode(String text);

    /** What the client's log lines and close reasons call the service behind the socket. */
    String peer();

    /** The frame that echoes an accepted input, or null when inputs are not echoed. */
    String echo(Message input);

    String output(Message output);

    /** A frame the gateway did not take, or could not serve; the call goes on. */
    String error(String code, String message);

    /** The response headers as a frame, or null when they are not passed on. */
    String headers(Metadata headers);

    /** How the call's own end is told. */
    Ending ended(FlowControlledClientCall.Outcome outcome);

    /**
     * The frame that tells the client why the gateway ends its call and closes the socket with
     * {@code closeCode}, or null when the close code says all.
     */
    String closing(int closeCode, String reason);

    /** The error frame of every format: {@code {"error":{"code":…,"message":…}}}. */
    static String errorFrame(String code, String message) {
        JsonObject frame = new JsonObject();
        frame.add("error", errorValue(code, message));
        return frame.toString();
    }

    /** An error frame's value, {@code {"code":…,"message":…}}, which protocol v2 also sends inside a call's frame. */
    static JsonObject errorValue(String code, String message) {
        JsonObject error = new JsonObject();
        error.addProperty("code", code);
        error.addProperty("message", message);
        return error;
    }
}
