package io.grpcbridge.gateway.socket;

import com.google.protobuf.Message;

/** A frame from the client, decoded by its socket's {@link FrameFormat}. */
public sealed interface ClientFrame {

    /** A request for the call. */
    record Input(Message request) implements ClientFrame {
    }

    /** {@code {"end":true}}: the client's requests are complete. */
    record End() implements ClientFrame {
    }

    /** Not a frame of the protocol: the reason says what was wrong. */
    record Bad(String reason) implements ClientFrame {
    }
}
