package io.grpcbridge.gateway.ops;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.vertx.ext.web.Router;

/** {@code /console} redirects to the console page, {@code /console/} (its relative links need the slash). */
@Singleton
public class ConsoleRedirect {

    void register(@Observes Router router) {
        // Vert.x matches "/console" and "/console/" alike: only the first is sent on to the page.
        router.get("/console").handler(context -> {
            if (context.request().path().equals("/console")) {
                context.redirect("/console/");
            } else {
                context.next();
            }
        });
    }
}
