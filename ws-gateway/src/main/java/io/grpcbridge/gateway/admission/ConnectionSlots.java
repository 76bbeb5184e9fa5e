package io.grpcbridge.gateway.admission;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

import io.grpcbridge.gateway.config.GatewayConfig;

/**
 * The connection cap ({@code gateway.upgrade.max-connections}), held under concurrent upgrades: an
 * upgrade reserves a slot atomically before anything else is decided, and every way out (refused,
 * handshake failed, client gone, socket closed) gives it back, once.
 */
@Singleton
class ConnectionSlots {

    private final int max;
    private final AtomicInteger used = new AtomicInteger();

    ConnectionSlots(GatewayConfig config) {
        this.max = config.upgrade().maxConnections();
    }

    /** A slot, or nothing when all are taken. */
    Optional<Slot> reserve() {
        int now;
        do {
            now = used.get();
            if (now >= max) {
                return Optional.empty();
            }
        } while (!used.compareAndSet(now, now + 1));
        return Optional.of(new Slot());
    }

    int used() {
        return used.get();
    }

    /** One reserved slot; {@link #release()} is safe to call any number of times, from any thread. */
    public final class Slot {

        private final AtomicBoolean released = new AtomicBoolean();

        private Slot() {
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                used.decrementAndGet();
            }
        }
    }
}
