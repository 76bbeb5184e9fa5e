package io.grpcbridge.bench;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.impl.WebSocketInternal;
import java.net.ConnectException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Opens WebSockets to the target with Vert.x; owns the Vert.x instance of a run. */
final class Connector implements AutoCloseable {

    /**
     * One event loop for every socket: the tool then needs at most one core for its sockets, and on
     * two cores one loop was the cheapest (against wsload's test server: 153,000 round trips/s at
     * 50x8 and 4,500 churn cycles/s; with two or four loops 137,000-143,000 and 3,900-4,000).
     */
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final WebSocketClient client;
    private final WebSocketConnectOptions connect;
    private final long timeoutMillis;

    Connector(Target target, Options options) {
        client = vertx.createWebSocketClient(new WebSocketClientOptions()
                // Vert.x allows 50 sockets per server by default and queues the rest.
                .setMaxConnections(Integer.MAX_VALUE)
                // Once the gateway has answered a close frame, close TCP at once (as wsload does)
                // instead of waiting up to 10 s for the gateway to close it.
                .setClosingTimeout(0)
                .setTcpNoDelay(true));
        timeoutMillis = options.connectTimeout().toMillis();
        connect = new WebSocketConnectOptions()
                .setHost(target.address())
                .setPort(target.port())
                .setURI(target.path())
                .setConnectTimeout(timeoutMillis);
    }

    Vertx vertx() {
        return vertx;
    }

    /** TCP connect and handshake within the connect timeout. */
    Future<WebSocket> connect() {
        // Not WebSocketConnectOptions.setTimeout: with Vert.x 4.5.26 it closed one socket of each
        // run (1000, no reason) when the timeout had passed, long after its handshake.
        Promise<WebSocket> result = Promise.promise();
        long timer = vertx.setTimer(timeoutMillis,
                id -> result.tryFail(new TimeoutException("no handshake within " + timeoutMillis + " ms")));
        client.connect(connect).onComplete(ar -> {
            vertx.cancelTimer(timer);
            if (ar.failed()) {
                result.tryFail(ar.cause());
            } else if (!result.tryComplete(ar.result())) {
                ar.result().close();
            }
        });
        return result.future();
    }

    /** Closes the TCP connection without a close frame, as a browser tab that vanishes. */
    static void dropTcp(WebSocket ws) {
        ((WebSocketInternal) ws).channelHandlerContext().channel().close();
    }

    /** A short kind for a failed handshake, to count failures by. */
    static String describe(Throwable t) {
        if (t instanceof UpgradeRejectedException r) {
            return "refused " + r.getStatus();
        }
        if (t instanceof ConnectException) {
            return "connection refused";
        }
        if (t instanceof ConnectTimeoutException || t instanceof TimeoutException) {
            return "timeout";
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
