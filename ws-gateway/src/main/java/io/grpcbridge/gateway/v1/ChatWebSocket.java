package io.grpcbridge.gateway.v1;

import com.google.protobuf.DynamicMessage;

import io.grpcbridge.gateway.admission.SocketPaths;
import io.grpcbridge.gateway.backend.BridgedMethod;
import io.grpcbridge.gateway.endpoint.BridgeEndpoint;
import io.grpcbridge.gateway.endpoint.BridgeSockets;
import io.grpcbridge.gateway.endpoint.MethodWebSocket;
import io.grpcbridge.gateway.socket.FrameFormat;
import io.quarkus.websockets.next.InboundProcessingMode;
import io.quarkus.websockets.next.WebSocket;

/**
 * {@code /ws}, the original Go gateway's URL: {@code chat.Chat/BidStream} in protocol v1's own frames
 * ({@link ChatFrames}: the request itself, echoed), which the chat page and existing clients speak.
 * The same method is also a method socket at {@code /ws/chat.Chat/BidStream} ({@link MethodWebSocket}).
 */
@WebSocket(path = SocketPaths.V1, inboundProcessingMode = InboundProcessingMode.CONCURRENT)
public class ChatWebSocket extends BridgeEndpoint {

    /** The frames of the chat method as last loaded (a descriptor refresh brings a new method). */
    private volatile ChatFramesOf current;

    private record ChatFramesOf(BridgedMethod method, ChatFrames frames) {
    }

    ChatWebSocket(BridgeSockets sockets) {
        super(sockets);
    }

    @Override
    protected FrameFormat framesFor(BridgedMethod method) {
        ChatFramesOf known = current;
        if (known == null || known.method() != method) {
            known = new ChatFramesOf(method, new ChatFrames(method.backend(), DynamicMessage.getDefaultInstance(method.input())));
            current = known;
        }
        return known.frames();
    }
}
