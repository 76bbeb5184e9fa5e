package io.grpcbridge.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 */
public class ShowcaseBackend implements QuarkusTestResourceLifecycleManager {

    static volatile ShowcaseServer server;
    private String descriptors = "set";
    private Path descriptorSet;

    @Override
    public void init(Map<String, String> initArgs) {
        descriptors = initArgs.getOrDefault("descriptors", "set");
    }

    @Override
    public Map<String, String> start() {
        try {
            server = ShowcaseServer.builder().reflection(switch (descriptors) {
                case "reflection" -> ShowcaseServer.Reflection.V1;
                case "v1alpha" -> ShowcaseServer.Reflection.V1ALPHA;
                case "v1alpha-without-well-known-files" -> ShowcaseServer.Reflection.V1ALPHA_WITHOUT_WELL_KNOWN_FILES;
                default -> ShowcaseServer.Reflection.NONE;
            }).start();
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
