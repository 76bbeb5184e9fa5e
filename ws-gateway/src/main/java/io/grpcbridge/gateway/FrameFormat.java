package io.grpcbridge.gateway;

import com.google.protobuf.Message;

import io.grpc.Metadata;
import io.grpc.Status;

/**
 * What a socket's frames look like: the chat contract's own frames on {@code /ws}
 * ({@link ChatFrames}), or the envelope of method sockets ({@link EnvelopeFrames}). The bridge
 * decides when a frame goes; this says what it is.
 */
interface FrameFormat {

    /** How a call's end reaches the client: the last frame (null: none), then the close. */
    record Ending(String frame, int closeCode, String closeReason) {
    }

    FrameCodec.Frame<Message> decode(String text);

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
}
