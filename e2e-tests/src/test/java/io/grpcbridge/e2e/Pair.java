package io.grpcbridge.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.grpcbridge.testing.ShowcaseServer;

/**
 * chat-service and ws-gateway as processes, started before a test class (or each test) and stopped
 * after it: {@code @RegisterExtension static final Pair pair = Pair.perClass();}. With
 * {@link #perClassWithShowcase}, the gateway also bridges test-support's showcase service (backend
 * {@code showcase}, from its server reflection), served in the test's own JVM.
 */
final class Pair implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final boolean perTest;
    private final boolean withShowcase;
    private final String[] gatewayOptions;
    private final String[] chatOptions;
    private ServiceProcess chat;
    private ServiceProcess gateway;
    private ShowcaseServer showcase;

    private Pair(boolean perTest, boolean withShowcase, String[] gatewayOptions, String[] chatOptions) {
        this.perTest = perTest;
        this.withShowcase = withShowcase;
        this.gatewayOptions = gatewayOptions;
        this.chatOptions = chatOptions;
    }

    /** One pair for all tests of the class; the gateway gets {@code gatewayOptions} (JVM options). */
    static Pair perClass(String... gatewayOptions) {
        return new Pair(false, false, gatewayOptions, new String[0]);
    }

    /** As {@link #perClass}, the gateway bridging the showcase service too. */
    static Pair perClassWithShowcase(String... gatewayOptions) {
        return new Pair(false, true, gatewayOptions, new String[0]);
    }

    /** A fresh pair for each test (for tests that stop a service); chat-service gets {@code chatOptions} (JVM options). */
    static Pair perTest(String... chatOptions) {
        return new Pair(true, false, new String[0], chatOptions);
    }

    ShowcaseServer showcase() {
        return showcase;
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
        chat = ServiceProcess.chatService(chatOptions).start();
        List<String> options = new ArrayList<>(List.of(gatewayOptions));
        if (withShowcase) {
            try {
                showcase = ShowcaseServer.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // Beside another backend, the chat is bridged only when it is named too.
            options.addAll(List.of("-Dquarkus.grpc.clients.showcase.host=127.0.0.1",
                    "-Dquarkus.grpc.clients.showcase.port=" + showcase.port(),
                    "-Dgateway.backends.showcase.expose=showcase.Showcase",
                    "-Dgateway.backends.chat.expose=chat.Chat"));
        }
        gateway = ServiceProcess.gateway(chat, options.toArray(String[]::new)).start();
        if (withShowcase) {
            // The showcase's descriptors come from its reflection, asked once the gateway runs: ready means loaded.
            gateway.awaitReady();
        }
    }

    private void stop() throws InterruptedException {
        if (gateway != null) {
            gateway.stop();
        }
        if (chat != null) {
            chat.stop();
        }
        if (showcase != null) {
            showcase.close();
        }
    }
}
