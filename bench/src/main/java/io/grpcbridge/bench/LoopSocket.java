package io.grpcbridge.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.WebSocket;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A socket the closed loop sends on, in lanes that each carry their own requests: a v1 or method
 * socket ({@link CallSocket}) is one lane, a session ({@link SessionSocket}) one lane per call. Every
 * method but {@link #dropped} runs on the socket's event loop.
 */
interface LoopSocket {

    /** Called with the lane and the number of its requests each frame, expiry or drop ended. */
    @FunctionalInterface
    interface Ended {
        void accept(int lane, int requests);
    }

    /** What a socket closed under the run says in the failures: its close code and reason, or that it had none. */
    static String closeFailure(WebSocket ws) {
        Short code = ws.closeStatusCode();
        return code == null ? "dropped (no close frame)" : "closed " + code + " " + ws.closeReason();
    }

    Context context();

    int lanes();

    /** Whether the lane takes more requests. */
    boolean sends(int lane);

    /** One more request on the lane. */
    void send(int lane);

    void onEnded(Ended ended);

    /** Counts the requests older than the request timeout as lost. */
    void expire();

    /** Whether the socket was closed under the run, not by this tool. */
    boolean dropped();

    /** Ends the socket with a close handshake; completes when the TCP connection is closed. */
    Future<Void> close();

    /** Closes every socket with a close handshake, waiting at most 2 s for them all. */
    static void closeAll(List<? extends LoopSocket> sockets) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(sockets.size());
        for (LoopSocket s : sockets) {
            s.context().runOnContext(v -> s.close().onComplete(ar -> closed.countDown()));
        }
        closed.await(2, TimeUnit.SECONDS);
    }
}
