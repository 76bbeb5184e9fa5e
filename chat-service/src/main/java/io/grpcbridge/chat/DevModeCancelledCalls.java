package io.grpcbridge.chat;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.LaunchMode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Dev mode only: keeps a call its client cancelled while live reload held it from becoming a
 * stack trace. Before a request reaches the gRPC server, dev mode pauses it while it scans the
 * sources for changes (at most every 2 s). A browser that leaves right after loading the page
 * makes the gateway cancel its call (RST_STREAM) within those milliseconds; the gRPC server then
 * finds the request already ended, and Quarkus's error handler logged 30 lines of
 * "IllegalStateException: Request has already been read" for a call nobody waits for. Such a
 * failure is logged at DEBUG; every other failure goes on to Quarkus's handler.
 */
@ApplicationScoped
class DevModeCancelledCalls {

    private static final Logger LOG = Logger.getLogger(DevModeCancelledCalls.class);

    void register(@Observes Router router) {
        if (LaunchMode.current() == LaunchMode.DEVELOPMENT) {
            router.route().failureHandler(DevModeCancelledCalls::handle);
        }
    }

    private static void handle(RoutingContext context) {
        if (context.failure() instanceof IllegalStateException && context.request().isEnded() && context.response().closed()) {
            LOG.debugf("%s cancelled by its client while dev mode checked for changes", context.request().path());
        } else {
            context.next();
        }
    }
}
