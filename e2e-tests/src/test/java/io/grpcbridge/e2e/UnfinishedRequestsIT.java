package io.grpcbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.grpcbridge.testing.TestSocket;

/**
 * Thousands of connections that send half an upgrade request and stop are closed after the header
 * timeout, and a normal socket is served throughout.
 */
class UnfinishedRequestsIT {

    private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(3);
    private static final int CONNECTIONS = 4_000;

    @RegisterExtension
    static final Pair pair = Pair.perClass("-Dgateway.upgrade.header-timeout=" + HEADER_TIMEOUT.toSeconds() + "s");

    @Test
    void halfSentUpgradeRequestsAreClosedAfterTheHeaderTimeoutAndANormalSocketWorksThroughout() throws Exception {
        TestSocket normal = TestSocket.connect(pair.gateway().ws());
        String halfARequest = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + pair.gateway().ws().getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
        List<Socket> unfinished = new ArrayList<>();
        ExecutorService thread = Executors.newSingleThreadExecutor();
        AtomicBoolean waiting = new AtomicBoolean(true);
        try {
            long started = System.nanoTime();
            for (int i = 0; i < CONNECTIONS; i++) {
                Socket socket = new Socket("127.0.0.1", pair.gateway().ws().getPort());
                OutputStream out = socket.getOutputStream();
                out.write(halfARequest.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                unfinished.add(socket);
            }
            Future<Integer> roundTrips = thread.submit(() -> {
                int count = 0;
                while (waiting.get()) {
                    normal.send("{\"input\":\"" + count + "\"}");
                    assertThat(normal.next(2)).endsWith("{\"output\":\"服务端返回: " + count + "\"}");
                    count++;
                }
                return count;
            });

            long slowestMillis = 0;
            for (Socket socket : unfinished) {
                socket.setSoTimeout((int) HEADER_TIMEOUT.plusSeconds(5).toMillis());
                assertThat(closedByTheServer(socket)).isTrue();
                slowestMillis = (System.nanoTime() - started) / 1_000_000;
            }
            waiting.set(false);
            System.out.printf("unfinished requests: %d closed, the last %d ms after the first was opened "
                    + "(header timeout %s); %d round trips on a normal socket meanwhile%n",
                    CONNECTIONS, slowestMillis, HEADER_TIMEOUT, roundTrips.get());
            assertThat(roundTrips.get()).isPositive();
        } finally {
            thread.shutdownNow();
            for (Socket socket : unfinished) {
                socket.close();
            }
        }
    }

    /** Whether the server closed the connection (end of stream or reset) before the read timeout. */
    private static boolean closedByTheServer(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketException reset) {
            return true;
        }
    }
}
