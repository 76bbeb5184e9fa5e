package io.grpcbridge.gateway.socket;

import java.nio.charset.StandardCharsets;

import io.grpc.Status;
import io.quarkus.websockets.next.CloseReason;

/** Every close code the gateway uses, and the rules that choose them (protocol v1). */
public final class CloseRules {

    public static final int NORMAL = 1000;
    /** What websockets-next reports when the client closed without a code, or vanished. */
    static final int NO_STATUS = 1005;
    static final int GOING_AWAY = 1001;
    static final int POLICY_VIOLATION = 1008;
    static final int MESSAGE_TOO_BIG = 1009;
    static final int INTERNAL_ERROR = 1011;
    static final int TRY_AGAIN_LATER = 1013;
    /** A session's socket replaced by a newer one of the same client (protocol v2). */
    static final int RESUMED_ELSEWHERE = 4000;
    /** No session to resume with that token: unknown, over, past its window, or another caller's (protocol v2). */
    public static final int SESSION_NOT_FOUND = 4404;

    /** RFC 6455: a close frame's payload is at most 125 bytes, 2 of them the code. */
    static final int MAX_REASON_BYTES = 123;

    private CloseRules() {
    }

    /** UNAVAILABLE is worth retrying: 1013; any other failure of the gRPC call: 1011. */
    public static int codeFor(Status status) {
        return status.getCode() == Status.Code.UNAVAILABLE ? TRY_AGAIN_LATER : INTERNAL_ERROR;
    }

    /**
     * Whether websockets-next refused a fragmented message past
     * {@code quarkus.websockets-next.server.max-message-size}: Vert.x reports it only as an
     * IllegalStateException with this text (3.34.2), and the protocol's answer to it is 1009.
     */
    static boolean isMessageOverCeiling(Throwable failure) {
        return failure instanceof IllegalStateException && String.valueOf(failure.getMessage()).contains("max message size");
    }

    static CloseReason reason(int code, String text) {
        return new CloseReason(code, truncate(text));
    }

    /** Cuts {@code text} to at most 123 bytes of UTF-8, never inside a character. */
    static String truncate(String text) {
        if (text == null) {
            return "";
        }
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            int codePoint = text.codePointAt(i);
            int size = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (bytes + size > MAX_REASON_BYTES) {
                return text.substring(0, i);
            }
            bytes += size;
            if (Character.isSupplementaryCodePoint(codePoint)) {
                i++;
            }
        }
        return text;
    }
}
