package io.grpcbridge.e2e;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The browser client library's own tests ({@code clients/js/test}, node's test runner) against the
 * packaged gateway, bridging chat-service and the showcase service: the library is tested where it
 * runs, against the real thing.
 */
class JsClientIT {

    @RegisterExtension
    static final Pair pair = Pair.perClassWithShowcase();

    @Test
    void theLibrarysTestsPassAgainstARealGateway() throws Exception {
        NodeTests.pass("js", Map.of("GATEWAY_URL", base(pair.gateway())), "node", "--experimental-websocket", "--test", "test/");
    }

    static String base(ServiceProcess process) {
        return process.uri().toString().replaceAll("/$", "");
    }
}
