package io.grpcbridge.gateway.endpoint;

import java.util.concurrent.Executor;

import io.grpcbridge.gateway.admission.Admission;
import io.grpcbridge.gateway.admission.CallMetadata;
import io.grpcbridge.gateway.admission.SocketPaths;
import io.grpcbridge.gateway.backend.BackendCalls;
import io.grpcbridge.gateway.backend.MethodCatalog;
import io.grpcbridge.gateway.config.GatewayConfig;
import io.grpcbridge.gateway.socket.ClientSocket;
import io.grpcbridge.gateway.socket.Session;
import io.grpcbridge.gateway.socket.SessionRegistry;
import io.grpcbridge.gateway.socket.SessionSocket;
import io.opentelemetry.context.Scope;
import io.quarkus.websockets.next.InboundProcessingMode;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * {@code /session}: protocol v2, any number of calls of any exposed methods on one socket, each
 * under credit both ways ({@link Session}, docs/protocol.md). {@code /session?resume=<gateway>}
 * resumes one: its first frame must be {@code {"resume":<token>}}. The upgrade ({@code UpgradeGuard})
 * has checked the origin, the slot and the token; each call's method is looked up when it opens.
 * Callbacks are {@code @NonBlocking} on the socket's event loop, as for {@link BridgeEndpoint}.
 */
@WebSocket(path = SocketPaths.SESSION, inboundProcessingMode = InboundProcessingMode.CONCURRENT)
public class SessionWebSocket {

    /** The socket's end of its session: the session once it has one, and the socket as the session knows it. */
    private static final UserData.TypedKey<SessionSocket> SOCKET = new UserData.TypedKey<>("session-socket");

    private final BridgeSockets sockets;
    private final GatewayConfig config;
    private final MethodCatalog catalog;
    private final BackendCalls calls;
    private final SessionRegistry registry;

    SessionWebSocket(BridgeSockets sockets, GatewayConfig config, MethodCatalog catalog, BackendCalls calls, SessionRegistry registry) {
        this.sockets = sockets;
        this.config = config;
        this.catalog = catalog;
        this.calls = calls;
        this.registry = registry;
    }

    @OnOpen
    @NonBlocking
    public void onOpen(WebSocketConnection connection) {
        Admission admission = connection.userData().get(Admission.KEY);
        boolean resuming = connection.handshakeRequest().query() != null
                && connection.handshakeRequest().query().matches("(^|.*&)resume(=[^&]*)?(&.*|$)");
        String client = sockets.connected(connection, admission, resuming ? "a session to resume" : "a session");
        ClientSocket socket = ClientSocket.of(connection, admission.tcp(), admission.gate(), config.socket().closeTimeout());
        String caller = CallMetadata.caller(admission.metadata());
        SessionSocket end = new SessionSocket(socket, caller, registry);
        connection.userData().put(SOCKET, end);
        if (resuming) {
            end.awaitResumeFrame();
            return;
        }
        Executor callbacks = BridgeSockets.callbacksIn(admission.trace());
        try (Scope inUpgradeTrace = admission.trace().makeCurrent()) {
            end.attached(Session.open(socket, caller, client, Vertx.currentContext(), sockets.shared(), config.session(),
                    new Session.Backends(catalog, (method, requests, watcher) ->
                            calls.start(method, requests, admission.metadata(), callbacks, watcher), registry)));
        }
    }

    @OnTextMessage
    @NonBlocking
    public void onText(WebSocketConnection connection, String frame) {
        connection.userData().get(SOCKET).onText(frame);
    }

    @OnBinaryMessage
    @NonBlocking
    public void onBinary(WebSocketConnection connection, Buffer frame) {
        connection.userData().get(SOCKET).onBinary();
    }

    @OnClose
    @NonBlocking
    public void onClose(WebSocketConnection connection) {
        connection.userData().get(SOCKET).onClosed(sockets.closed(connection));
    }

    @OnError
    @NonBlocking
    public void onError(WebSocketConnection connection, Throwable failure) {
        connection.userData().get(SOCKET).onFailure(failure);
    }
}
