package io.grpcbridge.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Every bound of the gateway, in one place. Defaults fit a 2-core machine; docs/protocol.md says
 * what a client sees when each is exceeded.
 */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /** Who may open a socket. */
    Upgrade upgrade();

    interface Upgrade {
        /**
         * Origins, besides the gateway's own, whose pages may open sockets (e.g.
         * {@code https://app.example.com}). A browser request from any other origin gets 403.
         */
        Optional<List<String>> allowedOrigins();

        /** Refuse requests without an Origin header (non-browser clients send none). */
        @WithDefault("false")
        boolean requireOrigin();

        /** Open sockets at most; further upgrades get 503. */
        @WithDefault("5000")
        int maxConnections();
    }

    /** Who the person behind a socket is. */
    Auth auth();

    interface Auth {
        /**
         * Require a valid bearer token (a JWT, checked against {@code mp.jwt.verify.*}) on every
         * upgrade; without one the upgrade gets 401. A browser sends it as a WebSocket subprotocol
         * (docs/operations.md). When off, a valid token is still used to name the caller.
         */
        @WithDefault("false")
        boolean enabled();
    }

    /** Graceful shutdown. */
    Shutdown shutdown();

    interface Shutdown {
        /**
         * On SIGTERM, how long open sockets get to receive the outputs already due before they are
         * closed with 1001 regardless.
         */
        @WithDefault("5s")
        Duration drainTimeout();
    }

    /** The gRPC side. */
    Chat chat();

    interface Chat {
        /**
         * How long a new socket waits for the channel to try chat-service again after an outage,
         * before its call is started anyway (and fails with UNAVAILABLE if the service is still down).
         */
        @WithDefault("2s")
        Duration reconnectWait();

        /**
         * Headers of the upgrade request passed on to chat-service as metadata of the socket's call
         * (e.g. {@code x-request-id}). The authenticated caller always goes as {@code x-caller-bin}.
         */
        Optional<List<String>> forwardHeaders();
    }

    /** Protocol limits of one socket. */
    Socket socket();

    interface Socket {
        /**
         * Largest text frame, in UTF-8 bytes, the protocol accepts; a larger one closes the socket
         * with 1009. Must stay below {@code quarkus.websockets-next.server.max-message-size}, the hard
         * ceiling past which the connection is dropped without a close frame.
         */
        @WithDefault("65536")
        int maxFrameBytes();

        /**
         * Responses taken from the gRPC call whose frames the socket has not yet handed to the
         * kernel. Only when one is written is the next response requested, so a client that does
         * not read holds back the gRPC call and, through HTTP/2 flow control, chat-service.
         */
        @WithDefault("16")
        int sendWindow();

        /**
         * Frames of any kind (echoes, outputs, errors) the socket may have queued and unwritten:
         * past it the client is not reading at all, and the socket is closed with 1008.
         */
        @WithDefault("1024")
        int maxUnwrittenFrames();

        /**
         * Inputs accepted but not yet taken by the gRPC call (chat-service is behind, or the call is
         * still connecting). Past it, or past {@link #maxPendingInputBytes()}, the socket is closed
         * with 1008.
         */
        @WithDefault("4096")
        int maxPendingInputs();

        /**
         * Inputs one socket may send per second (bursts up to one second's worth). The first input
         * over it is dropped with a RESOURCE_EXHAUSTED error frame, later ones quietly; a socket still
         * over it a second after that error is closed with 1008.
         */
        @WithDefault("10000")
        int maxInputsPerSecond();

        /** The same bound in bytes: the serialized size of the pending requests. */
        @WithDefault("524288")
        int maxPendingInputBytes();
    }
}
