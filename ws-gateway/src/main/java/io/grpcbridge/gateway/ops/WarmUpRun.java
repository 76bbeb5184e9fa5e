package io.grpcbridge.gateway.ops;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpcbridge.gateway.admission.WarmUpPass;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * One warm-up: {@code sockets} sockets to the gateway's own port, {@code concurrency} at a time, each
 * a whole call as a browser makes it (upgrade, one request, half-close, every frame read, the
 * gateway's close), spread over {@code targets} in turn; it stops early at {@code deadlineNanos}.
 */
final class WarmUpRun {

    /** A socket URL and the request frame its protocol takes. */
    record Target(String path, String request) {
    }

    /** What a run did. */
    record Result(int completed, int failed) {
    }

    private static final String END = "{\"end\":true}";

    private final WebSocketClient client;
    private final String host;
    private final int port;
    private final String secret;
    private final List<Target> targets;
    private final long deadlineNanos;
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final int sockets;

    WarmUpRun(WebSocketClient client, String host, int port, String secret, List<Target> targets, int sockets,
            long deadlineNanos) {
        this.client = client;
        this.host = host;
        this.port = port;
        this.secret = secret;
        this.targets = targets;
        this.sockets = sockets;
        this.deadlineNanos = deadlineNanos;
    }

    /** Runs it; the result comes when every socket has closed, or the deadline has passed. */
    CompletableFuture<Result> run(int concurrency) {
        CompletableFuture<?>[] chains = new CompletableFuture<?>[concurrency];
        for (int i = 0; i < concurrency; i++) {
            CompletableFuture<Void> chain = new CompletableFuture<>();
            next(chain);
            chains[i] = chain;
        }
        return CompletableFuture.allOf(chains).thenApply(ignored -> new Result(completed.get(), failed.get()));
    }

    private void next(CompletableFuture<Void> chain) {
        int socket = started.getAndIncrement();
        if (socket >= sockets || System.nanoTime() - deadlineNanos >= 0) {
            chain.complete(null);
            return;
        }
        call(targets.get(socket % targets.size())).onComplete(done -> {
            (done.succeeded() ? completed : failed).incrementAndGet();
            next(chain);
        });
    }

    private Future<Void> call(Target target) {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(host).setPort(port).setURI(target.path())
                .addHeader(WarmUpPass.HEADER, secret);
        return client.connect(options).compose(socket -> {
            Promise<Void> closed = Promise.promise();
            socket.closeHandler(ignored -> closed.tryComplete());
            socket.exceptionHandler(closed::tryFail);
            socket.textMessageHandler(ignored -> {
            });
            socket.writeTextMessage(target.request()).compose(ignored -> socket.writeTextMessage(END))
                    .onFailure(closed::tryFail);
            return closed.future();
        });
    }
}
