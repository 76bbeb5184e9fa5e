package io.grpcbridge.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;

/**
 * One open v1 or method socket and its ledger (a protocol v2 session is a {@link SessionSocket}).
 * Created on the socket's event loop; every method runs there, so the ledger needs no lock.
 */
final class CallSocket implements LoopSocket {

    private final Vertx vertx;
    private final WebSocket ws;
    private final Ledger ledger;
    private final Context context;
    private final Promise<Void> closed = Promise.promise();
    private Ended onEnded = (lane, n) -> {};
    private boolean closing;
    private volatile boolean dropped;

    CallSocket(Vertx vertx, WebSocket ws, Ledger ledger, Recorder recorder) {
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
                recorder.failure(LoopSocket.closeFailure(ws));
                ended(ledger.abandon());
            }
            closed.tryComplete();
        });
    }

    @Override
    public Context context() {
        return context;
    }

    /** One lane: the socket's own requests. */
    @Override
    public int lanes() {
        return 1;
    }

    @Override
    public boolean sends(int lane) {
        return !dropped;
    }

    @Override
    public void send(int lane) {
        send();
    }

    @Override
    public boolean dropped() {
        return dropped;
    }

    @Override
    public void onEnded(Ended onEnded) {
        this.onEnded = onEnded;
    }

    void send() {
        if (!dropped) {
            ws.writeTextMessage(ledger.next(System.nanoTime()));
        }
    }

    @Override
    public void expire() {
        ended(ledger.expire(System.nanoTime()));
    }

    /** One request, then whether it was answered within the request timeout. */
    Future<Boolean> roundTrip() {
        Promise<Boolean> answered = Promise.promise();
        int before = ledger.completed();
        long timer = vertx.setTimer(ledger.timeoutNanos / 1_000_000 + 1, id -> expire());
        onEnded = (lane, n) -> {
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

    @Override
    public Future<Void> close() {
        closing = true;
        if (!dropped) {
            ws.close((short) 1000);
        }
        return closed.future();
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
            onEnded.accept(0, n);
        }
    }
}
