package io.grpcbridge.gateway.internals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * What {@link TcpConnection} relies on in Vert.x's HTTP server pipeline, on a real Vert.x server
 * with the options the gateway sets ({@code GatewayHttpOptions}), checked the way the gateway uses
 * it: the handler names it inserts before or replaces ({@code handler}, {@code idle},
 * {@code webSocketExtensionHandler}) are there when the upgrade check runs; after the upgrade the
 * frame decoder is a {@link ByteToMessageDecoder}; and with the gate and the bounded inflater in
 * place, compressed messages from a compressing client still arrive whole. A Vert.x or Quarkus
 * upgrade that changes any of it fails here first.
 */
class VertxPipelineTest {

    private Vertx vertx;
    private HttpServer server;
    private final List<String> namesAtUpgradeCheck = new CopyOnWriteArrayList<>();
    private final List<ChannelHandler> handlersAfterUpgrade = new CopyOnWriteArrayList<>();
    private final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startAServerAsTheGatewayConfiguresIt() throws Exception {
        vertx = Vertx.vertx();
        HttpServerOptions options = new HttpServerOptions().setReadIdleTimeout(10_000)
                .setPerMessageWebSocketCompressionSupported(true).setPerFrameWebSocketCompressionSupported(false)
                .setHttp2ClearTextEnabled(false);
        server = vertx.createHttpServer(options).requestHandler(request -> {
            ConnectionBase connection = (ConnectionBase) request.connection();
            namesAtUpgradeCheck.addAll(connection.channel().pipeline().names());
            TcpConnection tcp = TcpConnection.of(request);
            InboundFrameGate gate = tcp.gateInbound(request.getHeader("Sec-WebSocket-Extensions"), 131072);
            request.toWebSocket().onSuccess(socket -> {
                tcp.dropWhenSilentFor(Duration.ofSeconds(30), () -> {
                });
                tcp.compactFrameDecoder();
                tcp.consolidateFlushes();
                connection.channel().pipeline().forEach(entry -> handlersAfterUpgrade.add(entry.getValue()));
                socket.textMessageHandler(received::add);
                gate.open(new EveryMessage());
            });
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theHandlersTheGatewayNamesAreThereAndCompressedMessagesStillArriveWhole() throws Exception {
        CompletableFuture<String> agreed = new CompletableFuture<>();
        WebSocket client = vertx.createWebSocketClient(new WebSocketClientOptions().setTryUsePerMessageCompression(true)
                // The gateway agrees to compression only without context takeover, as browsers accept it.
                .setCompressionAllowClientNoContext(true))
                .connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.actualPort()).setURI("/ws"))
                .onSuccess(socket -> agreed.complete(socket.headers().get("Sec-WebSocket-Extensions")))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        String large = "x".repeat(10_000);
        CompletableFuture<Void> sent = client.writeTextMessage("small").compose(ignored -> client.writeTextMessage(large))
                .toCompletionStage().toCompletableFuture();
        sent.get(10, TimeUnit.SECONDS);

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
        assertThat(received).containsExactly("small", large);
        assertThat(namesAtUpgradeCheck).as("Vert.x's pipeline when the upgrade is checked")
                .contains("handler", "idle", "webSocketExtensionHandler");
        assertThat(handlersAfterUpgrade).as("Vert.x's frame decoder after the upgrade")
                .anySatisfy(handler -> assertThat(handler).isInstanceOf(WebSocketFrameDecoder.class)
                        .isInstanceOf(ByteToMessageDecoder.class));
        assertThat(agreed.get()).as("compression, agreed by BoundedDeflate")
                .startsWith("permessage-deflate");
    }

    private static final class EveryMessage implements InboundFrameGate.Reader {

        @Override
        public boolean wantsMessage() {
            return true;
        }

        @Override
        public void messageRead(int bytes) {
        }

        @Override
        public void readingPaused() {
        }

        @Override
        public void readingResumed() {
        }

        @Override
        public void messageTooLarge() {
        }
    }
}
