package io.grpcbridge.gateway.socket;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.grpcbridge.gateway.config.GatewayConfig;

/**
 * The bytes the gateway holds for all its sockets together (inputs waiting for their backends,
 * frames waiting to be written), against one budget. Each socket bounds its own holdings; this
 * bounds their sum, so that many sockets near their own bounds cannot exhaust the process.
 * <p>
 * When the total passes the budget, the sockets holding the most are chosen and told to leave
 * ({@link #open}'s eviction callback: the socket closes with 1008) until what the others hold is
 * under three quarters of the budget; the others are never chosen to make room for what leaving
 * sockets still hold. A leaving socket gives its bytes back as soon as its connection is gone,
 * within {@code gateway.socket.close-timeout}; until then the total can exceed the budget by what
 * the leavers hold, which is at most the budget: the total stays under twice the budget.
 * <p>
 * Thread-safe: accounts are updated from their sockets' event loops; a choice is made by the
 * thread whose update passed the budget, one at a time, and only at a new high of the total (since
 * the last choice, a socket leaving or the total falling back within the budget), so that a total
 * held up by leaving sockets does not cost a scan per frame.
 */
@Singleton
public class MemoryBudget {

    private final long budget;
    private final long target;
    private final LongAdder held = new LongAdder();
    private final Set<Account> accounts = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean choosing = new AtomicBoolean();
    /** The total when leavers were last chosen; 0 once a socket has gone or the total fits again. */
    private final AtomicLong totalAtLastChoice = new AtomicLong();
    private final LongAdder evictions = new LongAdder();
    private final AtomicLong peak = new AtomicLong();

    @Inject
    MemoryBudget(GatewayConfig config) {
        this(config.memory().budgetBytes());
    }

    MemoryBudget(long budget) {
        this.budget = budget;
        this.target = budget / 4 * 3;
    }

    /** A new socket's account; {@code evict} is called (once, from any thread) if it must leave. */
    Account open(Runnable evict) {
        Account account = new Account(evict);
        accounts.add(account);
        return account;
    }

    /** Bytes held for all sockets now. */
    long held() {
        return held.sum();
    }

    /** The most bytes held at once since the gateway started. */
    long peak() {
        return peak.get();
    }

    /**
     * Whether the gateway holds more than three quarters of its budget: sockets that already hold
     * inputs then read no more until their calls take them ({@link StreamBridge.Pause#BUDGET}).
     */
    boolean underPressure() {
        return held.sum() > target;
    }

    /** Sockets told to leave so far. */
    long evictions() {
        return evictions.sum();
    }

    private void enforce() {
        if (!choosing.compareAndSet(false, true)) {
            return;
        }
        try {
            long total = held.sum();
            if (total > budget && total > totalAtLastChoice.get()) {
                chooseLeavers();
                totalAtLastChoice.set(total);
            }
        } finally {
            choosing.set(false);
        }
    }

    /** Chooses the largest holders until the others hold at most the target. */
    private void chooseLeavers() {
        List<Holding> staying = new ArrayList<>();
        long stayingBytes = 0;
        for (Account account : accounts) {
            long bytes = account.bytes;
            if (!account.chosen.get() && bytes > 0) {
                staying.add(new Holding(account, bytes));
                stayingBytes += bytes;
            }
        }
        long excess = stayingBytes - target;
        staying.sort(Comparator.comparingLong(Holding::bytes).reversed());
        for (Holding holding : staying) {
            if (excess <= 0) {
                break;
            }
            if (holding.account().choose()) {
                excess -= holding.bytes();
            }
        }
    }

    /** An account and what it held when the choice began (it may change while the choice is made). */
    private record Holding(Account account, long bytes) {
    }

    /**
     * What one socket holds. Its updates come from the socket's own thread; {@link #bytes} is read
     * by whichever thread chooses leavers.
     */
    final class Account {

        private final Runnable evict;
        private final AtomicBoolean chosen = new AtomicBoolean();
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile long bytes;

        private Account(Runnable evict) {
            this.evict = evict;
        }

        long bytes() {
            return bytes;
        }

        void add(long delta) {
            if (delta == 0 || closed.get()) {
                return;
            }
            bytes += delta;
            held.add(delta);
            long total = held.sum();
            if (delta > 0 && total > peak.get()) {
                peak.accumulateAndGet(total, Math::max);
            }
            if (total > budget) {
                if (delta > 0) {
                    enforce();
                }
            } else if (totalAtLastChoice.get() != 0) {
                totalAtLastChoice.set(0);
            }
        }

        /** The socket is gone and everything it held with it. */
        void close() {
            if (closed.compareAndSet(false, true)) {
                accounts.remove(this);
                held.add(-bytes);
                bytes = 0;
                totalAtLastChoice.set(0);
            }
        }

        private boolean choose() {
            if (closed.get() || !chosen.compareAndSet(false, true)) {
                return false;
            }
            evictions.increment();
            evict.run();
            return true;
        }
    }
}
