package io.grpcbridge.bench;

import io.grpcbridge.bench.Recorder.Count;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Requests {@code <prefix><seq>}, each answered by its echo, then by {@code 服务端返回: <prefix><seq>}.
 * The unique text tells which request an output answers, so a missing echo, a loss, a late or
 * duplicate output and an output overtaking an earlier one are each told apart.
 */
final class UniqueTextLedger extends Ledger {

    private final String prefix;
    /** In send order, so the oldest is first. */
    private final Map<Long, Pending> pending = new LinkedHashMap<>();
    private final Set<Long> lost = new HashSet<>();
    private long lastSeq;
    private long maxCompletedSeq;

    private static final class Pending {
        final long sentAt;
        boolean echoed;

        Pending(long sentAt) {
            this.sentAt = sentAt;
        }
    }

    UniqueTextLedger(Protocol.Framing framing, String prefix, Recorder recorder, long timeoutNanos) {
        super(framing, recorder, timeoutNanos);
        this.prefix = prefix;
    }

    @Override
    String next(long now) {
        long seq = ++lastSeq;
        pending.put(seq, new Pending(now));
        recorder.count(Count.SENT);
        return framing.input(prefix + seq);
    }

    @Override
    int pending() {
        return pending.size();
    }

    @Override
    protected void echo(String text) {
        Pending p = pending.get(seqOf(text));
        if (p == null || p.echoed) {
            recorder.count(Count.UNMATCHED_ECHO);
        } else {
            p.echoed = true;
        }
    }

    @Override
    protected int output(String text, long now) {
        long seq = text.startsWith(Protocol.REPLY_PREFIX) ? seqOf(text.substring(Protocol.REPLY_PREFIX.length())) : -1;
        if (seq <= 0 || seq > lastSeq) {
            recorder.count(Count.UNEXPECTED_OUTPUT);
            return 0;
        }
        Pending p = pending.remove(seq);
        if (p == null) {
            recorder.count(lost.remove(seq) ? Count.LATE : Count.DUPLICATE);
            return 0;
        }
        if (framing.echoes() && !p.echoed) {
            recorder.count(Count.MISSING_ECHO);
        }
        if (seq < maxCompletedSeq) {
            recorder.count(Count.OUT_OF_ORDER);
        } else {
            maxCompletedSeq = seq;
        }
        complete(now - p.sentAt);
        return 1;
    }

    @Override
    int expire(long now) {
        int n = 0;
        for (Iterator<Map.Entry<Long, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Pending> e = it.next();
            if (now - e.getValue().sentAt < timeoutNanos) {
                break;
            }
            it.remove();
            lost.add(e.getKey());
            fail(Count.LOST);
            n++;
        }
        return n;
    }

    @Override
    int abandon() {
        int n = pending.size();
        for (int i = 0; i < n; i++) {
            fail(Count.LOST);
        }
        pending.clear();
        return n;
    }

    /** The sequence number of {@code <prefix><digits>}, or -1. */
    private long seqOf(String text) {
        if (!text.startsWith(prefix) || text.length() == prefix.length() || text.length() - prefix.length() > 18) {
            return -1;
        }
        long seq = 0;
        for (int i = prefix.length(); i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            seq = seq * 10 + (c - '0');
        }
        return seq;
    }
}
