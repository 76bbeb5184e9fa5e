package io.grpcbridge.bench;

import io.grpcbridge.bench.Recorder.Count;
import java.util.ArrayDeque;

/**
 * Requests {@code 返回数据流}, each answered by its echo, then {@code 数据流 #0} … {@code #9}. All
 * requests have the same text, so outputs belong to the oldest request still waiting; it completes
 * when its ten outputs have arrived, each once, in order.
 */
final class StreamLedger extends Ledger {

    private static final int ALL = (1 << Protocol.STREAM_OUTPUTS) - 1;

    private final ArrayDeque<Stream> waiting = new ArrayDeque<>();
    /** The one request frame, built once: {@code 返回数据流} in this socket's framing. */
    private final String request;

    private static final class Stream {
        final long sentAt;
        boolean echoed;
        int seen; // bit i: 数据流 #i arrived
        int next; // one past the highest index seen
        boolean disordered;

        Stream(long sentAt) {
            this.sentAt = sentAt;
        }
    }

    StreamLedger(Protocol.Framing framing, Recorder recorder, long timeoutNanos) {
        super(framing, recorder, timeoutNanos);
        this.request = framing.input(Protocol.STREAM_COMMAND);
    }

    @Override
    String next(long now) {
        waiting.add(new Stream(now));
        recorder.count(Count.SENT);
        return request;
    }

    @Override
    int pending() {
        return waiting.size();
    }

    @Override
    protected void echo(String text) {
        if (Protocol.STREAM_COMMAND.equals(text)) {
            for (Stream s : waiting) {
                if (!s.echoed) {
                    s.echoed = true;
                    return;
                }
            }
        }
        recorder.count(Count.UNMATCHED_ECHO);
    }

    @Override
    protected int output(String text, long now) {
        int i = indexOf(text);
        if (i < 0) {
            recorder.count(Count.UNEXPECTED_OUTPUT);
            return 0;
        }
        int ended = 0;
        Stream s = waiting.peek();
        // A #0 while the oldest stream has begun: that stream lost its tail and the next one starts.
        // (A duplicated #0 looks the same; the gateway never sends one.)
        if (s != null && i == 0 && s.seen != 0) {
            waiting.poll();
            fail(Count.INCOMPLETE);
            ended++;
            s = waiting.peek();
        }
        if (s == null) {
            recorder.count(Count.LATE);
            return ended;
        }
        int bit = 1 << i;
        if ((s.seen & bit) != 0) {
            recorder.count(Count.DUPLICATE);
            return ended;
        }
        if (s.seen == 0) {
            if (framing.echoes() && !s.echoed) {
                recorder.count(Count.MISSING_ECHO);
            }
            recorder.firstOutput(now - s.sentAt);
        }
        if (i < s.next) {
            recorder.count(Count.OUT_OF_ORDER);
            s.disordered = true;
        } else {
            s.next = i + 1;
        }
        s.seen |= bit;
        if (s.seen == ALL) {
            waiting.poll();
            ended++;
            if (s.disordered) {
                fail(Count.INCOMPLETE);
            } else {
                complete(now - s.sentAt);
            }
        }
        return ended;
    }

    @Override
    int expire(long now) {
        int n = 0;
        while (!waiting.isEmpty() && now - waiting.peek().sentAt >= timeoutNanos) {
            waiting.poll();
            fail(Count.LOST);
            n++;
        }
        return n;
    }

    @Override
    int abandon() {
        int n = waiting.size();
        for (int i = 0; i < n; i++) {
            fail(Count.LOST);
        }
        waiting.clear();
        return n;
    }

    /** i of {@code 数据流 #i} for 0 ≤ i < 10, or -1. */
    private static int indexOf(String text) {
        if (!text.startsWith(Protocol.STREAM_PREFIX) || text.length() != Protocol.STREAM_PREFIX.length() + 1) {
            return -1;
        }
        int i = text.charAt(text.length() - 1) - '0';
        return i >= 0 && i < Protocol.STREAM_OUTPUTS ? i : -1;
    }
}
