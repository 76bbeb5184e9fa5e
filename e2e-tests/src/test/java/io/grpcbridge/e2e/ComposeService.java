package io.grpcbridge.e2e;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.yaml.snakeyaml.Yaml;

/**
 * One service as Compose sees it after merging the given files in order (later files override
 * {@code mem_limit} and add to or override {@code environment}), for the settings tests check.
 */
record ComposeService(long memLimitBytes, Map<String, String> environment) {

    static ComposeService of(String service, String... files) {
        long memLimit = 0;
        Map<String, String> environment = new HashMap<>();
        for (String file : files) {
            Map<String, Object> definition = definition(file, service);
            if (definition.get("mem_limit") != null) {
                memLimit = bytes(definition.get("mem_limit").toString());
            }
            if (definition.get("environment") instanceof Map<?, ?> variables) {
                variables.forEach((name, value) -> environment.put(name.toString(), String.valueOf(value)));
            }
        }
        if (memLimit == 0) {
            throw new IllegalStateException(service + " has no mem_limit in " + String.join(", ", files));
        }
        return new ComposeService(memLimit, environment);
    }

    long longVariable(String name) {
        String value = environment.get(name);
        if (value == null) {
            throw new IllegalStateException("no " + name + " in the environment: " + environment.keySet());
        }
        return Long.parseLong(value);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> definition(String file, String service) {
        Path path = Path.of(System.getProperty("project.root", ".."), file);
        try (Reader reader = Files.newBufferedReader(path)) {
            Map<String, Object> compose = new Yaml().load(reader);
            Map<String, Object> services = (Map<String, Object>) compose.get("services");
            Map<String, Object> definition = (Map<String, Object>) services.get(service);
            if (definition == null) {
                throw new IllegalStateException("no service " + service + " in " + path);
            }
            return definition;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compose's byte values: {@code 384m}, {@code 1g}, {@code 512k} or plain bytes. */
    private static long bytes(String value) {
        long number = Long.parseLong(value.replaceAll("[^0-9]", ""));
        return switch (Character.toLowerCase(value.charAt(value.length() - 1))) {
            case 'k' -> number << 10;
            case 'm' -> number << 20;
            case 'g' -> number << 30;
            default -> number;
        };
    }
}
