package io.grpcbridge.e2e;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * chat-service and ws-gateway as processes, started before a test class (or each test) and stopped
 * after it: {@code @RegisterExtension static final Pair pair = Pair.perClass();}.
 */
final class Pair implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final boolean perTest;
    private final String[] gatewayOptions;
    private ServiceProcess chat;
    private ServiceProcess gateway;

    private Pair(boolean perTest, String[] gatewayOptions) {
        this.perTest = perTest;
        this.gatewayOptions = gatewayOptions;
    }

    /** One pair for all tests of the class; the gateway gets {@code gatewayOptions} (JVM options). */
    static Pair perClass(String... gatewayOptions) {
        return new Pair(false, gatewayOptions);
    }

    /** A fresh pair for each test (for tests that stop a service). */
    static Pair perTest() {
        return new Pair(true, new String[0]);
    }

    ServiceProcess chat() {
        return chat;
    }

    ServiceProcess gateway() {
        return gateway;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!perTest) {
            start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        if (!perTest) {
            stop();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (perTest) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        if (perTest) {
            stop();
        }
    }

    private void start() {
        chat = ServiceProcess.chatService().start();
        gateway = ServiceProcess.gateway(chat, gatewayOptions).start();
    }

    private void stop() throws InterruptedException {
        if (gateway != null) {
            gateway.stop();
        }
        if (chat != null) {
            chat.stop();
        }
    }
}
