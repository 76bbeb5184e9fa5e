package io.grpcbridge.gateway.internals;

import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;

/** The Netty event loop under the current Vert.x event-loop context (Vert.x's {@code ContextInternal}). */
public final class EventLoops {

    private EventLoops() {
    }

    /** The event loop this runs on; only to be called on a Vert.x event loop. */
    public static EventLoop current() {
        Context context = Vertx.currentContext();
        if (context == null || !Context.isOnEventLoopThread()) {
            throw new IllegalStateException("not on a Vert.x event loop: " + Thread.currentThread().getName());
        }
        return ((ContextInternal) context).nettyEventLoop();
    }
}
