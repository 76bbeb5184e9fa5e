package io.grpcbridge.gateway.socket;

import java.time.Duration;

import org.jboss.logging.Logger;

import io.grpcbridge.gateway.internals.InboundFrameGate;
import io.grpcbridge.gateway.internals.TcpConnection;
import io.grpcbridge.gateway.internals.VertxWebSocket;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.http.WebSocketBase;

/** The client's end of a socket, as its {@link StreamBridge} uses it. */
public interface ClientSocket {

    /** The id the gateway's log lines give this socket. */
    String id();

    /**
     * Sends one text frame; {@code whenDone} runs on the socket's event loop once the frame is in
     * the kernel's socket buffer or can no longer be written (the socket failed or closed).
     */
    void send(String frame, Runnable whenDone);

    /** Reads the socket's messages from now on, as far as {@code reader} wants them. */
    void read(InboundFrameGate.Reader reader);

    /** The reader may want more messages again. */
    void readMore();

    /** No more messages: those not read yet are dropped (the socket is closing). */
    void stopReading();

    /**
     * Starts the close handshake with {@code code} and {@code reason} (cut to what a close frame
     * holds); the connection is dropped if the client has not completed it in time.
     */
    void close(int code, String reason);

    static ClientSocket of(WebSocketConnection connection, TcpConnection tcp, InboundFrameGate gate, Duration closeTimeout) {
        return new OverWebSocket(connection, tcp, gate, closeTimeout);
    }

    /** A websockets-next connection on its TCP connection, read through its {@link InboundFrameGate}. */
    final class OverWebSocket implements ClientSocket {

        private static final Logger LOG = Logger.getLogger(OverWebSocket.class);

        private final WebSocketConnection connection;
        private final WebSocketBase webSocket;
        private final TcpConnection tcp;
        private final InboundFrameGate gate;
        private final Duration closeTimeout;

        private OverWebSocket(WebSocketConnection connection, TcpConnection tcp, InboundFrameGate gate, Duration closeTimeout) {
            this.connection = connection;
            this.webSocket = VertxWebSocket.of(connection);
            this.tcp = tcp;
            this.gate = gate;
            this.closeTimeout = closeTimeout;
        }

        @Override
        public void read(InboundFrameGate.Reader reader) {
            gate.open(reader);
        }

        @Override
        public void readMore() {
            gate.resume();
        }

        @Override
        public void stopReading() {
            gate.discard();
        }

        @Override
        public String id() {
            return connection.id();
        }

        @Override
        public void send(String frame, Runnable whenDone) {
            webSocket.writeTextMessage(frame, written -> whenDone.run());
        }

        @Override
        public void close(int code, String reason) {
            if (connection.isClosed()) {
                return; // the client closed first (websockets-next would warn of a second close)
            }
            connection.close(CloseRules.reason(code, reason)).subscribe().with(
                    closed -> {
                    },
                    failure -> LOG.debugf("[%s] close %d failed: %s", connection.id(), code, failure));
            tcp.dropAfter(closeTimeout);
        }
    }
}
