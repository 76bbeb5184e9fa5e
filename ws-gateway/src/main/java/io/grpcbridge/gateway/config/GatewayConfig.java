package io.grpcbridge.gateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Every bound of the gateway, in one place. docs/protocol.md says what a client sees when each is
 * exceeded; docs/operations.md#memory how the memory bounds add up to the container's limit.
 */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /** Who may open a socket, and how many. */
    Upgrade upgrade();

    interface Upgrade {
        /**
         * Origins ({@code scheme://host[:port]}) whose pages may open sockets; a browser request from
         * any other origin gets 403. The gateway's own pages are recognised only through this list,
         * never from the Host header a request carries (a DNS-rebinding page sends a Host of its
         * choosing). The default is the gateway itself on localhost; set the public origin(s) of the
         * page in production.
         */
        @WithDefault("http://localhost:${quarkus.http.port},http://127.0.0.1:${quarkus.http.port}")
        List<String> allowedOrigins();

        /** Refuse requests without an Origin header (non-browser clients send none). */
        @WithDefault("false")
        boolean requireOrigin();

        /**
         * Open sockets at most; further upgrades get 503. The TCP connections the gateway accepts
         * at all, {@code quarkus.http.limits.max-connections}, must be more (checked at startup): the
         * difference is what page loads, probes and requests not upgraded yet may use.
         */
        @WithDefault("5000")
        int maxConnections();

        /**
         * A connection that sends nothing for this long before its upgrade (half a request, an idle
         * keep-alive connection) is closed.
         */
        @WithDefault("10s")
        Duration headerTimeout();
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

    /**
     * The gRPC backends, by name. Each name is also a gRPC client of quarkus-grpc: its address, TLS
     * and name resolution are the standard {@code quarkus.grpc.clients.<name>.*} keys (host, port,
     * tls-configuration-name, name-resolver, max-inbound-message-size, ...); what the gateway
     * exposes of it is configured here.
     */
    Map<String, Backend> backends();

    interface Backend {
        /**
         * What this backend serves that browsers may call: services ({@code package.Service}, all
         * its methods) or single methods ({@code package.Service/Method}). Nothing else of the
         * backend is reachable, its reflection and health services included, unless listed.
         */
        List<String> expose();

        /**
         * A descriptor set ({@code protoc --include_imports --descriptor_set_out=...}): a file path,
         * or {@code classpath:} and a resource. Unset: the descriptors come from the backend's server
         * reflection ({@code grpc.reflection.v1}, else {@code v1alpha}).
         */
        Optional<String> descriptorSet();

        /**
         * How often reflected descriptors are fetched again (a redeployed backend may have new
         * methods). A failed fetch keeps the descriptors already loaded; until the first one
         * succeeds it is retried every {@code connect-wait} and the backend's methods get 503.
         */
        @WithDefault("5m")
        Duration reflectionRefresh();

        /** A deadline for every call to this backend, from the socket's open; unset: none. */
        Optional<Duration> deadline();
    }

    /** The sockets' gRPC calls, to every backend. */
    Calls calls();

    interface Calls {
        /**
         * How long an upgrade (and a readiness probe) waits for a backend's channel to connect
         * when it is not connected: past it, the upgrade gets 503 with Retry-After (readiness: DOWN).
         */
        @WithDefault("1s")
        Duration connectWait();

        /**
         * Headers of the upgrade request passed on to the backend as metadata of the socket's call
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
         * ceiling past which the connection is dropped without a close frame (checked at startup).
         */
        @WithDefault("65536")
        int maxFrameBytes();

        /**
         * Responses taken from the gRPC call whose frames the socket has not yet handed to the
         * kernel. Only when one is written is the next response requested, so a client that does
         * not read holds back the gRPC call and, through HTTP/2 flow control, its backend. Frames
         * are flushed once per event-loop turn, so a window of 16 left a streaming socket waiting
         * for its own flushes: 64 gave 20 sockets x 4 streams 283-298k outputs/s instead of 257-262k.
         */
        @WithDefault("64")
        int sendWindow();

        /**
         * The same window in bytes: no further response is requested while this many bytes of
         * frames wait to be written, whatever their number.
         */
        @WithDefault("262144")
        int sendWindowBytes();

        /**
         * Frames of any kind (echoes, outputs, errors) the socket may have queued and unwritten.
         * While half of this, or of {@link #maxUnwrittenBytes()}, waits, the gateway reads no more
         * of the socket's messages (each may add an echo or an error frame); past all of it the
         * client is not reading at all, and the socket is closed with 1008.
         */
        @WithDefault("1024")
        int maxUnwrittenFrames();

        /** The same bound in UTF-8 bytes; it must be larger than {@link #sendWindowBytes()}. */
        @WithDefault("1048576")
        int maxUnwrittenBytes();

        /**
         * Messages read from the socket and not yet taken by its gRPC call (on their way to it, or
         * waiting while the backend is behind): the socket's input window. While it is full the
         * gateway does not read the socket, so TCP holds the client back (its sends wait) until the
         * call takes inputs again; a client is slowed to its backend's pace, never closed for it.
         */
        @WithDefault("1024")
        int inputWindow();

        /**
         * The same window in bytes (of the messages as read, decompressed): no further message is
         * read while this many bytes are in the window. One message more can be on its way when it
         * fills, so what a socket holds in its window stays under this plus one frame.
         */
        @WithDefault("262144")
        int inputWindowBytes();

        /**
         * Messages (inputs and any other frame) one socket may send per second, in bursts of up to
         * one second's worth. A client over it is paced like a full window: the gateway reads its
         * socket more slowly, nothing is dropped. It sits above what one well-behaved socket does:
         * a client sending each input after the previous output did 13,600 a second on loopback.
         */
        @WithDefault("20000")
        int maxInputsPerSecond();

        /**
         * Whether the gateway agrees to permessage-deflate (RFC 7692) when a client offers it, as
         * every browser does. Each message is inflated only once the socket's input window has
         * room for it and never past {@code quarkus.websockets-next.server.max-message-size}, and
         * each is compressed on its own both ways (no context takeover), so an idle socket holds
         * no compression state. docs/operations.md#compression has the costs.
         */
        @WithDefault("true")
        boolean compression();

        /**
         * A peer from which nothing arrives for this long (no frame, no answer to the server's pings,
         * sent every {@code quarkus.websockets-next.server.auto-ping-interval}) is dead: its
         * connection is dropped and its call cancelled. Must be longer than the ping interval
         * (checked at startup), so that a live client always answers in time.
         */
        @WithDefault("75s")
        Duration peerTimeout();

        /**
         * After the gateway closes a socket, how long the client gets to complete the close
         * handshake before its TCP connection is dropped (a client that does not read never would).
         */
        @WithDefault("5s")
        Duration closeTimeout();

        /**
         * The kernel's send buffer per connection (SO_SNDBUF). Unset, Linux grows it as needed up to
         * {@code net.ipv4.tcp_wmem}'s maximum (4 MiB by default): what a client that does not read
         * can hold there, on top of the bounds above, is kernel memory (charged to the container
         * under cgroup v2), and the gateway sees those frames as written. Setting it bounds that, at
         * the cost of per-socket throughput on long round trips.
         */
        OptionalInt sendBufferBytes();
    }

    /** The gateway as a whole. */
    Memory memory();

    interface Memory {
        /**
         * Bytes the gateway may hold for all its sockets together: inputs waiting for their backends
         * and frames waiting to be written. Past it, the sockets holding the most are closed with
         * 1008 until the total is back under three quarters of it.
         */
        @WithDefault("33554432")
        long budgetBytes();
    }

    /**
     * Before it reports ready, the gateway rehearses its sockets' path against itself: sockets to its
     * own port, each one call of an exposed method, answered by an in-process backend, so that the
     * JIT has compiled that path before real clients (a reconnect storm after a deploy) arrive.
     */
    /** Protocol v2 sessions ({@code /session}): many calls on one socket, with credit both ways. */
    Session session();

    interface Session {
        /** Responses a session's call asks of its backend ahead of their delivery. */
        int ASK_AHEAD = 4;

        /**
         * Calls open at once on one session; an open past it ends that call with RESOURCE_EXHAUSTED
         * and the session goes on.
         */
        @WithDefault("100")
        int maxCalls();

        /**
         * Requests the gateway lets a client send on one call before the call has taken them: each
         * waits in the gateway until its gRPC call can take it (HTTP/2 flow control), and the
         * gateway grants more as they are taken. A session holds at most max-calls x this x
         * {@code gateway.socket.max-frame-bytes} of requests; a client that sends past its credit
         * loses the session (1008).
         */
        @WithDefault("8")
        int requestCredit();

        /**
         * How long a session whose socket was lost without a close waits for its client to resume
         * it on a new socket; its calls go on meanwhile, within the credit already granted, and are
         * cancelled when it runs out.
         */
        @WithDefault("30s")
        Duration resumeWindow();

        /**
         * Frames a session keeps until its client acknowledges them (to send again on a resumed
         * socket), in bytes, all its calls together: at it, no call asks its backend for more
         * responses until the client acknowledges some (and HTTP/2 flow control holds the backends).
         * With {@link #ASK_AHEAD} responses of the largest frame on their way, it must fit in
         * {@code gateway.socket.max-unwritten-bytes} (checked at startup).
         */
        @WithDefault("524288")
        int maxUnacknowledgedBytes();

        /**
         * This gateway's name in its sessions' first frame: a client that resumes presents it
         * ({@code /session?resume=<id>}) so that a proxy in front of several gateways can send it
         * back to the one that holds its session.
         */
        @WithDefault("${HOSTNAME:gateway}")
        String gatewayId();
    }

    WarmUp warmUp();

    interface WarmUp {
        /** Off: ready as soon as the backends are. */
        @WithDefault("true")
        boolean enabled();

        /** Sockets opened, each for one call, spread over {@code /ws} and every exposed method. */
        @WithDefault("10000")
        int sockets();

        /** Sockets open at a time. */
        @WithDefault("20")
        int concurrency();

        /** The warm-up ends at this bound whatever it has done, and the gateway reports ready. */
        @WithDefault("15s")
        Duration timeout();
    }
}
