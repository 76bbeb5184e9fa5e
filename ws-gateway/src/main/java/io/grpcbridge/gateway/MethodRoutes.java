package io.grpcbridge.gateway;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The HTTP side of method sockets: an upgrade to a method no backend exposes gets 404 with its
 * reason in the body (websockets-next's own refusal can carry no body), and
 * {@code GET /bridge/methods} lists what is exposed, with a JSON template of each request, for the
 * console page and for people. The console itself is {@code /console}.
 */
@Singleton
public class MethodRoutes {

    /** Before websockets-next's own routes (order 0 and up). */
    private static final int BEFORE_WEBSOCKETS = -10;

    private final MethodCatalog catalog;

    MethodRoutes(MethodCatalog catalog) {
        this.catalog = catalog;
    }

    void register(@Observes Router router) {
        router.get("/ws/:service/:method").order(BEFORE_WEBSOCKETS).handler(this::refuseUnknownMethod);
        router.get("/bridge/methods").handler(this::listMethods);
        // Vert.x matches "/console" and "/console/" alike: only the first is sent on to the page.
        router.get("/console").handler(context -> {
            if (context.request().path().equals("/console")) {
                context.redirect("/console/");
            } else {
                context.next();
            }
        });
    }

    private void refuseUnknownMethod(RoutingContext context) {
        if (catalog.lookup(UpgradeGuard.methodOf(context.request().path())) instanceof MethodCatalog.NotExposed notExposed) {
            context.response().setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end(notExposed.reason() + "\n");
        } else {
            context.next();
        }
    }

    private void listMethods(RoutingContext context) {
        JsonArray methods = new JsonArray();
        for (BridgedMethod method : catalog.methods()) {
            JsonObject entry = new JsonObject();
            entry.addProperty("name", method.fullName());
            entry.addProperty("path", "/ws/" + method.fullName());
            entry.addProperty("kind", method.kind().name());
            entry.addProperty("backend", method.backend());
            entry.addProperty("requestType", method.input().getFullName());
            entry.addProperty("responseType", method.output().getFullName());
            entry.add("requestTemplate", MessageTemplates.of(method.input()));
            methods.add(entry);
        }
        JsonObject body = new JsonObject();
        body.add("methods", methods);
        context.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                .end(body.toString());
    }
}
