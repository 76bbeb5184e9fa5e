package io.grpcbridge.gateway.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpcbridge.chat.api.Request;
import io.grpcbridge.gateway.admission.SocketPaths;
import io.grpcbridge.gateway.fakes.FakeBackends;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Multi;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;

/** A call started on an event loop runs on its backend's channel of that loop, and its responses arrive on that loop's thread. */
@QuarkusTest
@FakeBackends
class BackendChannelsTest {

    @Inject
    BackendChannels channels;

    @Inject
    BackendCalls calls;

    @Inject
    MethodCatalog catalog;

    @Inject
    Vertx vertx;

    @Test
    void everyEventLoopHasItsOwnChannelAndItsCallsAnswerOnThatLoop() throws Exception {
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor executor : vertx.nettyEventLoopGroup()) {
            loops.add((EventLoop) executor);
        }
        assertThat(new HashSet<>(channels.of("chat"))).hasSize(loops.size());
        BridgedMethod chat = ((MethodCatalog.Found) catalog.lookup(SocketPaths.V1_METHOD)).method();

        List<ManagedChannel> used = new ArrayList<>();
        for (EventLoop loop : loops) {
            ContextInternal onLoop = ((VertxInternal) vertx).createEventLoopContext(loop, null, getClass().getClassLoader());
            CompletableFuture<ManagedChannel> channel = new CompletableFuture<>();
            CompletableFuture<String> caller = new CompletableFuture<>();
            List<String> responseThreads = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> done = new CompletableFuture<>();
            onLoop.runOnContext(ignored -> {
                channel.complete(channels.forCurrentEventLoop("chat"));
                caller.complete(Thread.currentThread().getName());
                calls.start(chat, Multi.createFrom().items(Request.newBuilder().setInput("返回数据流").build()), new Metadata(), null,
                        new FlowControlledClientCall.Watcher() {
                        })
                        .subscribe().with(
                                response -> responseThreads.add(Thread.currentThread().getName()),
                                done::completeExceptionally,
                                () -> done.complete(null));
            });
            done.get(10, TimeUnit.SECONDS);
            assertThat(responseThreads).hasSize(10).containsOnly(caller.get());
            used.add(channel.get());
        }
        assertThat(new HashSet<>(used)).as("one channel per loop").hasSize(loops.size());
    }
}
