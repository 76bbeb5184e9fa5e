package io.grpcbridge.gateway.ops;

import jakarta.inject.Singleton;

import io.grpcbridge.gateway.config.GatewayConfig;
import io.grpcbridge.gateway.internals.BoundedDeflate;
import io.grpcbridge.gateway.internals.TcpConnection;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;

/**
 * Makes connections that have not upgraded yet cheap to refuse and quick to drop.
 * <ul>
 * <li>Header timeout: a connection that sends nothing for {@code gateway.upgrade.header-timeout} is
 * closed, so half-sent requests and idle keep-alive connections do not pile up. Vert.x has no
 * deadline for a request's head, only one for silence; an upgraded socket gets the longer peer
 * timeout instead ({@link TcpConnection#dropWhenSilentFor}).</li>
 * <li>No cleartext HTTP/2 (h2c). With h2c on, Vert.x waits for a complete request head (it might ask
 * to upgrade to h2c) before it reports the connection, so Quarkus's connection cap
 * ({@code quarkus.http.limits.max-connections}) would not count half-sent requests. Browsers never
 * speak h2c and WebSockets run over HTTP/1.1 here; HTTP/2 over TLS (ALPN) is unaffected.</li>
 * <li>The kernel send buffer, when {@code gateway.socket.send-buffer-bytes} is set.</li>
 * <li>WebSocket compression: permessage-deflate as {@code gateway.socket.compression} says, which
 * makes Vert.x's frame decoder accept compressed frames; the gateway replaces Vert.x's agreement,
 * whose inflater has no bound, with its own ({@link BoundedDeflate}). The older deflate-frame
 * extension is off.</li>
 * </ul>
 */
@Singleton
public class GatewayHttpOptions implements HttpServerOptionsCustomizer {

    private final GatewayConfig.Upgrade upgrade;
    private final GatewayConfig.Socket socket;

    GatewayHttpOptions(GatewayConfig config) {
        this.upgrade = config.upgrade();
        this.socket = config.socket();
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        customize(options);
        options.setHttp2ClearTextEnabled(false);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        customize(options);
    }

    private void customize(HttpServerOptions options) {
        // Quarkus sets its idle timeout in milliseconds; Vert.x's idle timeouts share that unit.
        options.setReadIdleTimeout((int) options.getIdleTimeoutUnit().convert(upgrade.headerTimeout()));
        socket.sendBufferBytes().ifPresent(options::setSendBufferSize);
        options.setPerMessageWebSocketCompressionSupported(socket.compression());
        options.setPerFrameWebSocketCompressionSupported(false);
    }
}
