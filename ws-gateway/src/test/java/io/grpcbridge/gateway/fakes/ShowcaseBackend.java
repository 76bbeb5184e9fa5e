package io.grpcbridge.gateway.fakes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.grpcbridge.testing.ShowcaseDescriptors;
import io.grpcbridge.testing.ShowcaseServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A second backend for the gateway's tests: test-support's showcase service (its own .proto, all
 * four method kinds, every JSON-mapping feature) on a real gRPC server, bridged as backend
 * {@code showcase}. Its descriptors come, as the {@code descriptors} argument says, from a
 * descriptor set file ({@code set}, the default, as protoc --include_imports writes it), from server
 * reflection v1 ({@code reflection}), from a server that has only v1alpha ({@code v1alpha}), or from
 * one that also cannot serve the well-known types' files, as older servers ({@code v1alpha-without-well-known-files}).
 * A test gets it in a field marked {@link InjectShowcase}; before each test its service has no delay.
 */
public class ShowcaseBackend implements QuarkusTestResourceLifecycleManager {

    private volatile ShowcaseServer server;
    private ShowcaseServer.Reflection reflection;
    private String descriptors = "set";
    private Path descriptorSet;

    @Override
    public void init(Map<String, String> initArgs) {
        descriptors = initArgs.getOrDefault("descriptors", "set");
    }

    @Override
    public Map<String, String> start() {
        try {
            reflection = switch (descriptors) {
                case "reflection" -> ShowcaseServer.Reflection.V1;
                case "v1alpha" -> ShowcaseServer.Reflection.V1ALPHA;
                case "v1alpha-without-well-known-files" -> ShowcaseServer.Reflection.V1ALPHA_WITHOUT_WELL_KNOWN_FILES;
                default -> ShowcaseServer.Reflection.NONE;
            };
            server = ShowcaseServer.builder().reflection(reflection).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> config = new HashMap<>(Map.of(
                "quarkus.grpc.clients.showcase.host", "localhost",
                "quarkus.grpc.clients.showcase.port", String.valueOf(server.port()),
                "quarkus.grpc.clients.showcase.test-port", String.valueOf(server.port()),
                "gateway.backends.showcase.expose", "showcase.Showcase"));
        if (descriptors.equals("set")) {
            try {
                descriptorSet = ShowcaseDescriptors.writeDescriptorSet(Files.createTempFile("showcase", ".dsc"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            config.put("gateway.backends.showcase.descriptor-set", descriptorSet.toString());
        }
        return config;
    }

    @Override
    public void inject(TestInjector injector) {
        server.service().setSumDelay(Duration.ZERO);
        injector.injectIntoFields(this, new TestInjector.AnnotatedAndMatchesType(InjectShowcase.class, ShowcaseBackend.class));
    }

    /** The running server. */
    public ShowcaseServer server() {
        return server;
    }

    /** Stops the server, as a redeployment would, and starts a new one on the same port with the same reflection. */
    public void redeploy() throws IOException {
        int port = server.port();
        server.close();
        server = ShowcaseServer.builder().port(port).reflection(reflection).start();
    }

    @Override
    public void stop() {
        server.close();
        if (descriptorSet != null) {
            try {
                Files.deleteIfExists(descriptorSet);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
