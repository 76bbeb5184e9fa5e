package io.grpcbridge.e2e;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.Yaml;

/**
 * The manifests quarkus-kubernetes generated for one module at build time
 * ({@code <module>/target/kubernetes/kubernetes.yml}), read as plain YAML trees.
 */
final class KubernetesManifest {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    private final Path path;
    private final List<Map<String, Object>> resources;

    private KubernetesManifest(Path path, List<Map<String, Object>> resources) {
        this.path = path;
        this.resources = resources;
    }

    @SuppressWarnings("unchecked")
    static KubernetesManifest of(String module) {
        Path path = Path.of(System.getProperty("project.root", ".."), module, "target", "kubernetes", "kubernetes.yml");
        if (!Files.exists(path)) {
            throw new IllegalStateException(path + " is missing: run ./mvnw verify from the project root");
        }
        List<Map<String, Object>> resources = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(path)) {
            for (Object document : new Yaml().loadAll(reader)) {
                if (document != null) {
                    resources.add((Map<String, Object>) document);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new KubernetesManifest(path, resources);
    }

    List<String> kinds() {
        return resources.stream().map(resource -> (String) resource.get("kind")).toList();
    }

    /** The resource of this kind and name; fails if there is none. */
    Node resource(String kind, String name) {
        return resources.stream()
                .filter(resource -> kind.equals(resource.get("kind")))
                .map(Node::new)
                .filter(resource -> name.equals(resource.text("metadata", "name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + path + ": " + kinds()));
    }

    /** The Deployment's only container. */
    Node container(String deployment) {
        List<Node> containers = resource("Deployment", deployment).list("spec", "template", "spec", "containers");
        if (containers.size() != 1) {
            throw new AssertionError(deployment + " has " + containers.size() + " containers");
        }
        return containers.get(0);
    }

    /**
     * The container's environment as Kubernetes gives it to the process: in order, a value taken
     * from a field ({@code valueFrom.fieldRef}) from {@code fields}, and {@code $(NAME)} replaced by
     * a variable defined earlier in the list (a later or unknown one stays as written, as in Kubernetes).
     */
    Map<String, String> environment(String deployment, Map<String, String> fields) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (Node variable : container(deployment).list("env")) {
            String name = variable.text("name");
            String value;
            if (variable.has("valueFrom")) {
                String field = variable.text("valueFrom", "fieldRef", "fieldPath");
                value = fields.get(field);
                if (value == null) {
                    throw new IllegalArgumentException(name + " comes from field " + field + ", not given");
                }
            } else {
                value = expand(variable.text("value"), environment);
            }
            environment.put(name, value);
        }
        return environment;
    }

    private static String expand(String value, Map<String, String> earlier) {
        Matcher reference = REFERENCE.matcher(value);
        StringBuilder expanded = new StringBuilder();
        while (reference.find()) {
            String replacement = earlier.getOrDefault(reference.group(1), reference.group());
            reference.appendReplacement(expanded, Matcher.quoteReplacement(replacement));
        }
        return reference.appendTail(expanded).toString();
    }

    /** One node of a resource's tree, read by path. */
    record Node(Map<String, Object> map) {

        Object value(String... path) {
            Object current = map;
            for (String key : path) {
                if (!(current instanceof Map<?, ?> node) || !node.containsKey(key)) {
                    throw new AssertionError("no " + String.join(".", path) + " in " + map);
                }
                current = node.get(key);
            }
            return current;
        }

        boolean has(String... path) {
            try {
                value(path);
                return true;
            } catch (AssertionError e) {
                return false;
            }
        }

        String text(String... path) {
            return String.valueOf(value(path));
        }

        int number(String... path) {
            return ((Number) value(path)).intValue();
        }

        @SuppressWarnings("unchecked")
        Node node(String... path) {
            return new Node((Map<String, Object>) value(path));
        }

        @SuppressWarnings("unchecked")
        List<Node> list(String... path) {
            return ((List<Map<String, Object>>) value(path)).stream().map(Node::new).toList();
        }
    }
}
