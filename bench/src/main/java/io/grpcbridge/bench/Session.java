package io.grpcbridge.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * One open socket and its ledger. Created on the socket's event loop; every method runs there,
 * so the ledger needs no lock.
 */
final class Session {

    private final Vertx vertx;
    private final WebSocket ws;
    private final Ledger ledger;
    private final Context context;
    private final Promise<Void> closed = Promise.promise();
    private IntConsumer onEnded = n -> {};
    private boolean closing;
    private volatile boolean dropped;

    Session(Vertx vertx, WebSocket ws, Ledger ledger, Recorder recorder) {
        this.vertx = vertx;
        this.ws = ws;
        this.ledger = ledger;
        this.context = vertx.getOrCreateContext();
        ws.textMessageHandler(text -> ended(ledger.received(ledger.parse(text), System.nanoTime())));
        ws.binaryMessageHandler(b -> ended(ledger.received(new Protocol.Other("binary frame"), System.nanoTime())));
        ws.exceptionHandler(e -> { }); // the close handler follows and counts the drop
        ws.closeHandler(v -> {
            if (!closing) {
                dropped = true;
                Short code = ws.closeStatusCode();
                recorder.failure(code == null ? "dropped (no close frame)" : "closed " + code + " " + ws.closeReason());
                ended(ledger.abandon());
            }
            closed.tryComplete();
        });
    }

    Context context() {
        return context;
    }

    /** Whether the socket was closed under the run, not by this tool. */
    boolean dropped() {
        return dropped;
    }

    /** Called with the number of requests each frame, expiry or drop ended. */
    void onEnded(IntConsumer onEnded) {
        this.onEnded = onEnded;
    }

    void send() {
        if (!dropped) {
            ws.writeTextMessage(ledger.next(System.nanoTime()));
        }
    }

    void expire() {
        ended(ledger.expire(System.nanoTime()));
    }

    /** One request, then whether it was answered within the request timeout. */
    Future<Boolean> roundTrip() {
        Promise<Boolean> answered = Promise.promise();
        int before = ledger.completed();
        long timer = vertx.setTimer(ledger.timeoutNanos / 1_000_000 + 1, id -> expire());
        onEnded = n -> {
            vertx.cancelTimer(timer);
            answered.tryComplete(ledger.completed() > before);
        };
        if (dropped) {
            vertx.cancelTimer(timer);
            answered.complete(false);
        } else {
            send();
        }
        return answered.future();
    }

    /** Ends the socket with a close handshake; completes when the TCP connection is closed. */
    Future<Void> close() {
        closing = true;
        if (!dropped) {
            ws.close((short) 1000);
        }
        return closed.future();
    }

    /** Closes every socket with a close handshake, waiting at most 2 s for them all. */
    static void closeAll(List<Session> sessions) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(sessions.size());
        for (Session s : sessions) {
            s.context().runOnContext(v -> s.close().onComplete(ar -> closed.countDown()));
        }
        closed.await(2, TimeUnit.SECONDS);
    }

    /** Ends the socket without a close frame. */
    void drop() {
        closing = true;
        Connector.dropTcp(ws);
    }

    /** The close code the gateway sent, or null if it sent no close frame. */
    Short closeStatus() {
        return ws.closeStatusCode();
    }

    private void ended(int n) {
        if (n > 0) {
            onEnded.accept(n);
        }
    }
}
