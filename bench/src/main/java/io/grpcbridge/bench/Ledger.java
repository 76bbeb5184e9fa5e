package io.grpcbridge.bench;

import io.grpcbridge.bench.Protocol.Echo;
import io.grpcbridge.bench.Protocol.Error;
import io.grpcbridge.bench.Protocol.Frame;
import io.grpcbridge.bench.Protocol.Output;
import io.grpcbridge.bench.Recorder.Count;

/**
 * The requests of one socket and the frames that answer them. Confined to the socket's event
 * loop (or one test thread); times are {@link System#nanoTime()} values passed in, so the
 * accounting can be tested without a clock.
 */
abstract sealed class Ledger permits UniqueTextLedger, StreamLedger {

    protected final Recorder recorder;
    protected final long timeoutNanos;
    protected final Protocol.Framing framing;
    private int completed;

    Ledger(Protocol.Framing framing, Recorder recorder, long timeoutNanos) {
        this.framing = framing;
        this.recorder = recorder;
        this.timeoutNanos = timeoutNanos;
    }

    /** Reads one frame from the gateway as this socket's framing has it. */
    final Frame parse(String frame) {
        return framing.parse(frame);
    }

    /** Registers one more request sent at {@code now}; returns the frame to send. */
    abstract String next(long now);

    /** Requests sent and neither completed nor failed yet. */
    abstract int pending();

    /** Takes one frame from the gateway; returns how many requests it ended (completed or failed). */
    final int received(Frame frame, long now) {
        if (frame instanceof Echo e) {
            recorder.count(Count.ECHO_FRAMES);
            echo(e.text());
            return 0;
        }
        if (frame instanceof Output o) {
            recorder.output();
            return output(o.text(), now);
        }
        if (frame instanceof Error e) {
            recorder.errorFrame(e.code());
            return 0;
        }
        if (frame instanceof Protocol.CallFrame) {
            return 0;
        }
        recorder.count(Count.OTHER_FRAMES);
        return 0;
    }

    /** Counts the requests older than the timeout as lost; returns how many. */
    abstract int expire(long now);

    /** The socket is gone: every pending request is lost; returns how many. */
    abstract int abandon();

    int completed() {
        return completed;
    }

    protected abstract void echo(String text);

    protected abstract int output(String text, long now);

    protected final void complete(long latencyNanos) {
        completed++;
        recorder.completed(latencyNanos);
    }

    /** A request ended without completing. */
    protected final void fail(Count why) {
        recorder.count(why);
    }
}
