package io.grpcbridge.gateway;

import com.google.protobuf.Message;

import io.grpc.Metadata;
import io.grpc.Status;

/**
 * Protocol v1 on {@code /ws}, as the seed's clients know it: a frame is the request itself
 * ({@code {"input":"hi"}}, checked strictly by {@link FrameCodec}), every accepted input is echoed,
 * each response is its own JSON; a failed call gets an error frame, then 1011 or 1013; a completed
 * one closes 1000 without a frame.
 */
final class ChatFrames implements FrameFormat {

    private final FrameCodec<Message> codec;

    ChatFrames(Message requestPrototype) {
        this.codec = new FrameCodec<>(requestPrototype);
    }

    @Override
    public FrameCodec.Frame<Message> decode(String text) {
        return codec.decode(text);
    }

    @Override
    public String peer() {
        return "chat-service";
    }

    @Override
    public String echo(Message input) {
        return codec.encode(input);
    }

    @Override
    public String output(Message output) {
        return codec.encode(output);
    }

    @Override
    public String error(String code, String message) {
        return FrameCodec.error(code, message);
    }

    @Override
    public String headers(Metadata headers) {
        return null;
    }

    @Override
    public Ending ended(FlowControlledClientCall.Outcome outcome) {
        Status status = outcome.status();
        if (status.isOk()) {
            return new Ending(null, CloseRules.NORMAL, "chat ended");
        }
        // As on method sockets: grpc-java's own description of an unreachable backend stays inside.
        String message = !outcome.fromBackend() && status.getCode() == Status.Code.UNAVAILABLE ? "chat-service unavailable"
                : "chat-service: " + (status.getDescription() == null ? status.getCode().name() : status.getDescription());
        return new Ending(error(status.getCode().name(), message), CloseRules.codeFor(status), message);
    }

    @Override
    public String closing(int closeCode, String reason) {
        return null;
    }
}
