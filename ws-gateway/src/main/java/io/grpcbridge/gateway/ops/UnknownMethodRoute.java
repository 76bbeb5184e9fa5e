package io.grpcbridge.gateway.ops;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.grpcbridge.gateway.admission.SocketPaths;
import io.grpcbridge.gateway.backend.MethodCatalog;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * An upgrade to a method socket whose method no backend exposes gets 404 with the reason in the
 * body, before websockets-next sees it (its own refusal can carry no body).
 */
@Singleton
public class UnknownMethodRoute {

    /** Before websockets-next's own routes (order 0 and up). */
    private static final int BEFORE_WEBSOCKETS = -10;

    private final MethodCatalog catalog;

    UnknownMethodRoute(MethodCatalog catalog) {
        this.catalog = catalog;
    }

    void register(@Observes Router router) {
        router.get(SocketPaths.METHOD_SOCKETS_ROUTE).order(BEFORE_WEBSOCKETS).handler(this::refuseUnknownMethod);
    }

    private void refuseUnknownMethod(RoutingContext context) {
        if (catalog.lookup(SocketPaths.methodOf(context.request().path())) instanceof MethodCatalog.NotExposed notExposed) {
            context.response().setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end(notExposed.reason() + "\n");
        } else {
            context.next();
        }
    }
}
