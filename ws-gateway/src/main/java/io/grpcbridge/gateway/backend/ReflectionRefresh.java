package io.grpcbridge.gateway.backend;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;

/**
 * Keeps the descriptors of backends without a descriptor set current, from their server
 * reflection, on one thread of its own: asked at once, retried every {@code retry} until it
 * answers, then asked again every {@code refresh}, and at once whenever the gateway's connection to
 * the backend comes back (a backend redeployed with a new .proto is seen as soon as it is
 * reachable again). A failed fetch keeps the descriptors already published.
 */
final class ReflectionRefresh {

    /** Where fetched descriptors go. */
    interface Catalog {
        void publish(String backend, Map<String, BridgedMethod> methods, String source);

        boolean isLoaded(String backend);
    }

    private static final Logger LOG = Logger.getLogger(ReflectionRefresh.class);
    /** The longest one fetch may take. */
    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(10);

    private final Catalog catalog;
    /** Each backend's next fetch, replaced when a reconnection brings it forward. */
    private final Map<String, ScheduledFuture<?>> nextFetch = new ConcurrentHashMap<>();
    /** Each backend's first fetch, done once it has answered or failed. */
    private final List<CompletableFuture<Void>> firstFetches = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "descriptor-reflection");
        thread.setDaemon(true);
        return thread;
    });

    ReflectionRefresh(Catalog catalog) {
        this.catalog = catalog;
    }

    /** Starts fetching the descriptors {@code exposure} needs from {@code backend}'s reflection over {@code channel}. */
    void start(String backend, Exposure exposure, ManagedChannel channel, Duration retry, Duration refresh) {
        CompletableFuture<Void> first = new CompletableFuture<>();
        firstFetches.add(first);
        Runnable fetch = () -> fetch(new Target(backend, exposure, channel, retry, refresh), null, first);
        nextFetch.put(backend, thread.schedule(fetch, 0, TimeUnit.MILLISECONDS));
        fetchAgainOnReconnect(backend, channel, fetch);
    }

    /**
     * Waits until every backend started so far has answered its first fetch or failed it, at most
     * {@link #FETCH_TIMEOUT}: a backend that is up is exposed when the gateway starts taking sockets.
     */
    void awaitFirstFetches() throws InterruptedException {
        try {
            CompletableFuture.allOf(firstFetches.toArray(CompletableFuture[]::new))
                    .get(FETCH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // Each failure is logged by the fetch; the retries go on.
        }
    }

    void stop() {
        thread.shutdownNow();
    }

    private record Target(String backend, Exposure exposure, ManagedChannel channel, Duration retry, Duration refresh) {
    }

    private void fetch(Target target, String lastFailure, CompletableFuture<Void> first) {
        String backend = target.backend();
        String failure = null;
        try {
            ReflectionClient.Fetched fetched = ReflectionClient.fetch(target.channel(), target.exposure().services(), FETCH_TIMEOUT);
            catalog.publish(backend, target.exposure().select(DescriptorSets.link(fetched.files())),
                    fetched.wellKnownNotServed().isEmpty() ? "server reflection"
                            : "server reflection, with protobuf-java's own " + fetched.wellKnownNotServed()
                                    + " (the server could not serve them)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            if (thread.isShutdown()) {
                return; // the gateway is stopping, and its channels with it
            }
            failure = String.valueOf(e.getMessage());
            if (!failure.equals(lastFailure)) {
                LOG.warnf("backend %s: server reflection failed (%s); %s", backend, failure,
                        catalog.isLoaded(backend) ? "the descriptors loaded before stay in use" : "its methods get 503 until it answers");
            }
        } finally {
            first.complete(null);
        }
        Duration next = failure != null && !catalog.isLoaded(backend) ? target.retry() : target.refresh();
        String seen = failure;
        nextFetch.put(backend, thread.schedule(() -> fetch(target, seen, first), next.toMillis(), TimeUnit.MILLISECONDS));
    }

    /**
     * Whenever {@code channel} becomes ready again after it was not, the backend's descriptors are
     * fetched at once. A channel that falls idle (its connection closed) is asked to connect again,
     * so that a restarted backend is seen without waiting for a socket or a probe to ask for it.
     */
    private void fetchAgainOnReconnect(String backend, ManagedChannel channel, Runnable fetch) {
        ConnectivityState before = channel.getState(false);
        channel.notifyWhenStateChanged(before, () -> {
            ConnectivityState now = channel.getState(false);
            if (now == ConnectivityState.SHUTDOWN || thread.isShutdown()) {
                return;
            }
            if (now == ConnectivityState.IDLE) {
                channel.getState(true);
            }
            if (now == ConnectivityState.READY && before != ConnectivityState.READY) {
                thread.execute(() -> {
                    ScheduledFuture<?> scheduled = nextFetch.get(backend);
                    if (scheduled != null && scheduled.cancel(false)) {
                        fetch.run();
                    }
                });
            }
            fetchAgainOnReconnect(backend, channel, fetch);
        });
    }
}
