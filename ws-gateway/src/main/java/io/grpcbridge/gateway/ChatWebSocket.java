package io.grpcbridge.gateway;

import com.google.protobuf.DynamicMessage;

import io.quarkus.websockets.next.WebSocket;

/**
 * {@code /ws}, the seed's URL: {@code chat.Chat/BidStream} in protocol v1's own frames
 * ({@link ChatFrames}: the request itself, echoed), which the chat page and existing clients speak.
 * The same method is also a method socket at {@code /ws/chat.Chat/BidStream} ({@link MethodWebSocket}).
 */
@WebSocket(path = "/ws")
public class ChatWebSocket extends BridgeEndpoint {

    /** The method {@code /ws} bridges. */
    static final String METHOD = "chat.Chat/BidStream";

    /** The frames of the chat method as last loaded (a descriptor refresh brings a new method). */
    private volatile ChatFramesOf current;

    private record ChatFramesOf(BridgedMethod method, ChatFrames frames) {
    }

    ChatWebSocket(BridgeSockets sockets) {
        super(sockets);
    }

    @Override
    FrameFormat framesFor(BridgedMethod method) {
        ChatFramesOf known = current;
        if (known == null || known.method() != method) {
            known = new ChatFramesOf(method, new ChatFrames(DynamicMessage.getDefaultInstance(method.input())));
            current = known;
        }
        return known.frames();
    }
}
