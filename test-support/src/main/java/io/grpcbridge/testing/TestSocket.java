package io.grpcbridge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A browser stand-in over a real socket (the JDK's WebSocket client): records every text frame and
 * how the socket closed. It reads only as fast as it is told to: the JDK stops reading the TCP
 * socket while nothing is requested, just as a stalled browser would.
 */
public final class TestSocket implements WebSocket.Listener {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Duration WAIT = Duration.ofSeconds(20);

    /** How the socket ended: a close frame's code and reason, or 1006 when none came. */
    public record Closed(int code, String reason) {
    }

    public final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    public final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final boolean reading;
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    private TestSocket(boolean reading) {
        this.reading = reading;
    }

    public static TestSocket connect(URI uri) {
        return open(uri, true, handshake -> {
        });
    }

    /** Connects and reads nothing until {@link #read(long)}. */
    public static TestSocket connectWithoutReading(URI uri) {
        return open(uri, false, handshake -> {
        });
    }

    /** Connects with a bearer token, sent as a browser must: in the subprotocols it offers. */
    public static TestSocket connectWithToken(URI uri, String token) {
        List<String> offered = TestTokens.subprotocolsCarrying(token);
        return open(uri, true, handshake -> handshake.subprotocols(offered.get(0),
                offered.subList(1, offered.size()).toArray(String[]::new)));
    }

    /** Connects with extra headers on the upgrade request, as a non-browser client may. */
    public static TestSocket connectWithHeaders(URI uri, Map<String, String> headers) {
        return open(uri, true, handshake -> headers.forEach(handshake::header));
    }

    /**
     * The HTTP status of the handshake {@code connect} makes: 101 when the socket opened (it is
     * then aborted), otherwise the status it was refused with.
     */
    public static int handshakeStatus(Supplier<TestSocket> connect) {
        try {
            connect.get().abort();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    private static TestSocket open(URI uri, boolean reading, Consumer<WebSocket.Builder> handshake) {
        TestSocket listener = new TestSocket(reading);
        URI wsUri = URI.create(uri.toString().replaceFirst("^http", "ws"));
        WebSocket.Builder builder = HTTP.newWebSocketBuilder();
        handshake.accept(builder);
        listener.socket = builder.buildAsync(wsUri, listener).orTimeout(20, TimeUnit.SECONDS).join();
        return listener;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        if (reading) {
            webSocket.request(Long.MAX_VALUE);
        }
    }

    public TestSocket send(String... texts) {
        for (String text : texts) {
            socket.sendText(text, true).orTimeout(20, TimeUnit.SECONDS).join();
        }
        return this;
    }

    public TestSocket sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(20, TimeUnit.SECONDS).join();
        return this;
    }

    /**
     * One chat round trip in protocol v1: sends {@code {"input":text}} and checks that the echo and
     * chat-service's answer, {@code 服务端返回: text}, come back, in that order.
     */
    public TestSocket roundTrip(String text) throws InterruptedException {
        send("{\"input\":\"" + text + "\"}");
        assertThat(next(2)).containsExactly("{\"input\":\"" + text + "\"}", "{\"output\":\"服务端返回: " + text + "\"}");
        return this;
    }

    public void read(long frameCount) {
        socket.request(frameCount);
    }

    /** Closes the TCP connection without a close frame, like a browser tab that vanishes. */
    public void abort() {
        socket.abort();
    }

    public void closeNormally() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(20, TimeUnit.SECONDS).join();
    }

    public String next() throws InterruptedException {
        String frame = frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(frame).as("a frame within %s", WAIT).isNotNull();
        return frame;
    }

    public List<String> next(int count) throws InterruptedException {
        List<String> received = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            received.add(next());
        }
        return received;
    }

    /** Adds every frame to {@code into} until the socket closes, and returns the close. */
    public Closed drain(List<String> into) throws InterruptedException {
        while (!closed.isDone() || !frames.isEmpty()) {
            String frame = frames.poll(100, TimeUnit.MILLISECONDS);
            if (frame != null) {
                into.add(frame);
            }
        }
        return awaitClose();
    }

    public Closed awaitClose() {
        return closed.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            frames.add(partial.toString());
            partial.setLength(0);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Closed(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(new Closed(1006, String.valueOf(error)));
    }
}
