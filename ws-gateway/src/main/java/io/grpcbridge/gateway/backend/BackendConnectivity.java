package io.grpcbridge.gateway.backend;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Singleton;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * Whether the channels to a backend ({@link BackendChannels}) are connected, asked by every upgrade
 * about its backend's channel on its own event loop (a socket opens only on a connected channel, so
 * "open" means its call has started) and by readiness about all of them.
 * <p>
 * grpc-java connects lazily and lets an unused channel go IDLE; after a failure it reports
 * TRANSIENT_FAILURE until it is connected again, and retries only after a backoff of up to two
 * minutes. Neither should make the gateway look down while the backend is up: the channels connect
 * at startup, a question about an idle channel makes it connect and waits a moment for the outcome,
 * and one about a failed channel makes it retry at once.
 */
@Singleton
public class BackendConnectivity {

    private final BackendChannels channels;

    BackendConnectivity(BackendChannels channels) {
        this.channels = channels;
    }

    /**
     * Whether {@code backend}'s channel of the event loop this runs on is connected:
     * {@link #awaitReady(ManagedChannel, Duration, Executor)}. The channel is picked now, on the
     * caller's loop; it is asked only when the result is subscribed to.
     */
    public Uni<Boolean> awaitReadyHere(String backend, Duration wait, Executor answerOn) {
        ManagedChannel here = channels.forCurrentEventLoop(backend);
        return Uni.createFrom().deferred(() -> awaitReady(here, wait, answerOn));
    }

    /** Whether every channel of {@code backend} is connected, each asked as {@link #awaitReady(ManagedChannel, Duration, Executor)} does. */
    public Uni<Boolean> awaitAllReady(String backend, Duration wait) {
        List<Uni<Boolean>> each = channels.of(backend).stream().map(channel -> awaitReady(channel, wait, Runnable::run)).toList();
        return Uni.combine().all().unis(each).with(Boolean.class, ready -> !ready.contains(false));
    }

    /**
     * True at once when connected, false at once after a failed attempt (the reconnect backoff is
     * reset then, so the next question finds the outcome of a fresh attempt); while idle or
     * connecting, the outcome of that attempt within {@code wait}, given on {@code answerOn} (gRPC's
     * own thread would otherwise give it).
     */
    private static Uni<Boolean> awaitReady(ManagedChannel channel, Duration wait, Executor answerOn) {
        ConnectivityState state = channel.getState(true);
        switch (state) {
            case READY:
                return Uni.createFrom().item(true);
            case TRANSIENT_FAILURE:
            case SHUTDOWN:
                channel.resetConnectBackoff();
                return Uni.createFrom().item(false);
            default:
                return Uni.createFrom().<Boolean> emitter(outcome -> {
                    AtomicBoolean answered = new AtomicBoolean();
                    outcome.onTermination(() -> answered.set(true));
                    awaitOutcome(channel, state, outcome, answered);
                }).ifNoItem().after(wait).recoverWithItem(false).emitOn(answerOn);
        }
    }

    /** Follows the channel from {@code from} until it is connected or has failed to connect. */
    private static void awaitOutcome(ManagedChannel channel, ConnectivityState from, UniEmitter<? super Boolean> outcome,
            AtomicBoolean answered) {
        channel.notifyWhenStateChanged(from, () -> {
            if (answered.get()) {
                return;
            }
            ConnectivityState now = channel.getState(false);
            switch (now) {
                case READY -> outcome.complete(true);
                case TRANSIENT_FAILURE, SHUTDOWN -> outcome.complete(false);
                default -> awaitOutcome(channel, now, outcome, answered);
            }
        });
    }
}
