package io.grpcbridge.bench;

import io.grpcbridge.bench.Recorder.Count;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * One {@code /session} socket carrying {@code calls} chat calls, each a lane of the closed loop
 * ({@link SessionCall}). The calls open as soon as the socket does; each call's frames are
 * acknowledged once per batch the event loop reads (a task queued behind the batch), as the browser
 * library does once per turn of its event loop. Created on the socket's event loop; every method
 * runs there.
 */
final class SessionSocket implements LoopSocket {

    private final WebSocket ws;
    private final Recorder recorder;
    private final Context context;
    private final List<SessionCall> calls = new ArrayList<>();
    private final Promise<Void> closed = Promise.promise();
    private Ended onEnded = (lane, n) -> {};
    private boolean ackQueued;
    private boolean closing;
    private volatile boolean dropped;

    /** {@code ledgerOf}: the ledger of call {@code id} (1, 2, …); {@code responseWindow}: see {@link SessionCall}. */
    SessionSocket(Vertx vertx, WebSocket ws, int calls, LongFunction<Ledger> ledgerOf, int responseWindow, Recorder recorder) {
        this.ws = ws;
        this.recorder = recorder;
        this.context = vertx.getOrCreateContext();
        for (int id = 1; id <= calls; id++) {
            this.calls.add(new SessionCall(id, ledgerOf.apply(id), recorder, ws::writeTextMessage, responseWindow));
        }
        ws.textMessageHandler(this::received);
        ws.binaryMessageHandler(b -> recorder.count(Count.OTHER_FRAMES));
        ws.exceptionHandler(e -> { }); // the close handler follows and counts the drop
        ws.closeHandler(v -> {
            if (!closing) {
                dropped = true;
                recorder.failure(LoopSocket.closeFailure(ws));
                for (int lane = 0; lane < this.calls.size(); lane++) {
                    ended(lane, this.calls.get(lane).abandon());
                }
            }
            closed.tryComplete();
        });
        this.calls.forEach(SessionCall::open);
    }

    @Override
    public Context context() {
        return context;
    }

    /** One lane per call: lane i is call i + 1. */
    @Override
    public int lanes() {
        return calls.size();
    }

    @Override
    public boolean sends(int lane) {
        return !dropped && calls.get(lane).sends();
    }

    @Override
    public void send(int lane) {
        if (!dropped) {
            calls.get(lane).send(System.nanoTime());
        }
    }

    @Override
    public void onEnded(Ended onEnded) {
        this.onEnded = onEnded;
    }

    @Override
    public void expire() {
        long now = System.nanoTime();
        for (int lane = 0; lane < calls.size(); lane++) {
            ended(lane, calls.get(lane).expire(now));
        }
    }

    @Override
    public boolean dropped() {
        return dropped;
    }

    /** Closing with 1000 ends the session (no resume); requests still held for credit are counted as never sent. */
    @Override
    public Future<Void> close() {
        closing = true;
        int held = calls.stream().mapToInt(SessionCall::waiting).sum();
        if (held > 0) {
            recorder.failure("never sent: no request credit (" + held + " requests)");
        }
        if (!dropped) {
            ws.close((short) 1000);
        }
        return closed.future();
    }

    private void received(String text) {
        long now = System.nanoTime();
        SessionProtocol.Frame frame = SessionProtocol.parse(text);
        if (frame instanceof SessionProtocol.CallFrame f && f.call() >= 1 && f.call() <= calls.size()) {
            int lane = (int) f.call() - 1;
            SessionCall call = calls.get(lane);
            ended(lane, call.received(f, now));
            queueAcks();
        } else if (frame instanceof SessionProtocol.Error e) {
            recorder.errorFrame(e.code());
        } else if (!(frame instanceof SessionProtocol.Opened)) {
            recorder.count(Count.OTHER_FRAMES);
        }
    }

    private void queueAcks() {
        if (!ackQueued) {
            ackQueued = true;
            context.runOnContext(v -> {
                ackQueued = false;
                if (!dropped && !closing) {
                    calls.stream().filter(SessionCall::ackDue).forEach(SessionCall::ack);
                }
            });
        }
    }

    private void ended(int lane, int n) {
        if (n > 0) {
            onEnded.accept(lane, n);
        }
    }
}
