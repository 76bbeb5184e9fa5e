package io.grpcbridge.chat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.grpcbridge.chat.api.ChatGrpc;
import io.grpcbridge.chat.api.Request;
import io.grpcbridge.chat.api.Response;
import io.quarkus.runtime.ImageMode;
import io.quarkus.runtime.StartupEvent;

/**
 * Warm before ready ({@link WarmUpConfig}): a chat-service that has just started serves its first
 * calls in the interpreter while its JIT compiler threads take the CPU, exactly when a reconnect
 * storm sends every call at once. So, once started, it calls its own {@code BidStream} over
 * loopback, {@code chat.warm-up.calls} times, and reports ready (check {@code warm-up}) only when
 * that is done or {@code chat.warm-up.timeout} has passed. Its counters include these calls.
 */
@Readiness
@ApplicationScoped
public class WarmUp implements HealthCheck {

    enum State {
        /** Started, not warmed up yet. */
        RUNNING,
        /** Done, or off. */
        DONE
    }

    private static final Logger LOG = Logger.getLogger(WarmUp.class);
    private static final Request INPUT = Request.newBuilder().setInput("warm-up").build();

    private final WarmUpConfig config;
    private final String host;
    private final int port;
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private volatile State state;

    WarmUp(WarmUpConfig config, @ConfigProperty(name = "quarkus.http.host") String host,
            @ConfigProperty(name = "quarkus.http.port") int port,
            @ConfigProperty(name = "quarkus.http.tls-configuration-name") Optional<String> tls) {
        this.config = config;
        this.host = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        this.port = port;
        // A native image is compiled ahead of time: nothing to warm up. With TLS, the loopback calls
        // would need the server's trust; such a deployment does without.
        this.state = config.enabled() && !ImageMode.current().isNativeImage() && tls.isEmpty() ? State.RUNNING : State.DONE;
    }

    void onStart(@Observes StartupEvent start) {
        if (state == State.RUNNING) {
            Thread thread = new Thread(this::run, "chat-warm-up");
            thread.setDaemon(true);
            thread.start();
        }
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("warm-up").status(state == State.DONE).build();
    }

    private void run() {
        long startedAt = System.nanoTime();
        long deadline = startedAt + config.timeout().toNanos();
        ManagedChannel channel = NettyChannelBuilder.forAddress(host, port).usePlaintext().build();
        try {
            CompletableFuture<?>[] chains = new CompletableFuture<?>[config.concurrency()];
            for (int i = 0; i < chains.length; i++) {
                CompletableFuture<Void> chain = new CompletableFuture<>();
                next(ChatGrpc.newStub(channel), chain, deadline);
                chains[i] = chain;
            }
            CompletableFuture.allOf(chains).get(config.timeout().plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
            LOG.infof("warmed up in %d ms: %d calls of Chat/BidStream (%d failed) to itself",
                    Duration.ofNanos(System.nanoTime() - startedAt).toMillis(), completed.get() + failed.get(), failed.get());
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warnf("warm-up cut short after %d ms: %s", Duration.ofNanos(System.nanoTime() - startedAt).toMillis(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            channel.shutdownNow();
            state = State.DONE;
        }
    }

    /** One call after another on this chain, until there have been enough or the deadline has passed. */
    private void next(ChatGrpc.ChatStub chat, CompletableFuture<Void> chain, long deadline) {
        if (started.getAndIncrement() >= config.calls() || System.nanoTime() - deadline >= 0) {
            chain.complete(null);
            return;
        }
        StreamObserver<Request> inputs = chat.bidStream(new StreamObserver<>() {
            @Override
            public void onNext(Response response) {
            }

            @Override
            public void onError(Throwable error) {
                failed.incrementAndGet();
                next(chat, chain, deadline);
            }

            @Override
            public void onCompleted() {
                completed.incrementAndGet();
                next(chat, chain, deadline);
            }
        });
        inputs.onNext(INPUT);
        inputs.onCompleted();
    }
}
