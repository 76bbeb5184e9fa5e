package io.grpcbridge.gateway.ops;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import io.grpcbridge.gateway.admission.SocketPaths;
import io.grpcbridge.gateway.backend.BridgedMethod;
import io.grpcbridge.gateway.backend.MethodCatalog;
import io.grpcbridge.gateway.json.MessageTemplates;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /bridge/methods}: every exposed method, with its socket URL, kind, backend, types and
 * a JSON template of its request, for the console page, the client library (to tell an unknown
 * method from an outage) and people.
 */
@Singleton
public class MethodListing {

    private final MethodCatalog catalog;

    MethodListing(MethodCatalog catalog) {
        this.catalog = catalog;
    }

    void register(@Observes Router router) {
        router.get("/bridge/methods").handler(this::listMethods);
    }

    private void listMethods(RoutingContext context) {
        JsonArray methods = new JsonArray();
        for (BridgedMethod method : catalog.methods()) {
            JsonObject entry = new JsonObject();
            entry.addProperty("name", method.fullName());
            entry.addProperty("path", SocketPaths.of(method.fullName()));
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
