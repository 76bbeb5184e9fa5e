package io.grpcbridge.gateway;

import com.google.protobuf.DynamicMessage;

import io.quarkus.runtime.Startup;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.buffer.Buffer;

/**
 * {@code /ws}, the seed's URL: {@code chat.Chat/BidStream} in protocol v1's own frames
 * ({@link ChatFrames}: the request itself, echoed), which the chat page and existing clients speak.
 * The same method is also a method socket at {@code /ws/chat.Chat/BidStream} ({@link MethodWebSocket}).
 * <p>
 * Created at startup, not by the first upgrade: building a codec loads protobuf's JSON support,
 * which blocked the first socket's event loop for 2 s on a busy machine.
 */
@Startup
@WebSocket(path = "/ws")
public class ChatWebSocket {

    /** The method {@code /ws} bridges. */
    static final String METHOD = "chat.Chat/BidStream";

    private final BridgeSockets sockets;
    /** The frames of the chat method as last loaded (a descriptor refresh brings a new method). */
    private volatile ChatFramesOf current;

    private record ChatFramesOf(BridgedMethod method, ChatFrames frames) {
    }

    ChatWebSocket(BridgeSockets sockets) {
        this.sockets = sockets;
    }

    @OnOpen
    @NonBlocking
    void onOpen(WebSocketConnection connection) {
        sockets.open(connection, framesOf(connection.userData().get(UpgradeGuard.METHOD)));
    }

    @OnTextMessage
    @NonBlocking
    void onText(WebSocketConnection connection, String frame) {
        sockets.onText(connection, frame);
    }

    @OnBinaryMessage
    @NonBlocking
    void onBinary(WebSocketConnection connection, Buffer frame) {
        sockets.onBinary(connection, frame.length());
    }

    @OnClose
    @NonBlocking
    void onClose(WebSocketConnection connection) {
        sockets.onClose(connection);
    }

    @OnError
    @NonBlocking
    void onError(WebSocketConnection connection, Throwable failure) {
        sockets.onError(connection, failure);
    }

    private ChatFrames framesOf(BridgedMethod method) {
        ChatFramesOf known = current;
        if (known == null || known.method() != method) {
            known = new ChatFramesOf(method, new ChatFrames(DynamicMessage.getDefaultInstance(method.input())));
            current = known;
        }
        return known.frames();
    }
}
