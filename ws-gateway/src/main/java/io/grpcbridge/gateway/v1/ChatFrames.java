package io.grpcbridge.gateway.v1;

import com.google.protobuf.Message;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpcbridge.gateway.backend.FlowControlledClientCall;
import io.grpcbridge.gateway.socket.ClientFrame;
import io.grpcbridge.gateway.socket.CloseRules;
import io.grpcbridge.gateway.socket.FrameFormat;

/**
 * Protocol v1 on {@code /ws}, as the original Go gateway's clients know it: a frame is the request itself
 * ({@code {"input":"hi"}}, checked strictly by {@link RequestCodec}), every accepted input is echoed,
 * each response is its own JSON; a failed call gets an error frame, then 1011 or 1013; a completed
 * one closes 1000 without a frame. Errors name the backend ({@code chat}, by default).
 */
public final class ChatFrames implements FrameFormat {

    private final String backend;
    private final RequestCodec codec;

    public ChatFrames(String backend, Message requestPrototype) {
        this.backend = backend;
        this.codec = new RequestCodec(requestPrototype);
    }

    @Override
    public ClientFrame decode(String text) {
        return codec.decode(text);
    }

    @Override
    public String peer() {
        return backend;
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
        return FrameFormat.errorFrame(code, message);
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
        String message = !outcome.fromBackend() && status.getCode() == Status.Code.UNAVAILABLE ? backend + " unavailable"
                : backend + ": " + (status.getDescription() == null ? status.getCode().name() : status.getDescription());
        return new Ending(error(status.getCode().name(), message), CloseRules.codeFor(status), message);
    }

    @Override
    public String closing(int closeCode, String reason) {
        return null;
    }
}
