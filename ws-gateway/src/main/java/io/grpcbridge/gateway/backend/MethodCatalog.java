package io.grpcbridge.gateway.backend;

import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.grpcbridge.gateway.config.GatewayConfig;
import io.quarkus.runtime.Startup;

/**
 * Every method the gateway exposes, by {@code package.Service/Method}, from each backend's
 * descriptors, as its {@code expose} list selects them: a descriptor set read at startup (a bad one
 * stops the gateway), or the backend's server reflection, kept current by {@link ReflectionRefresh}
 * and awaited at startup, so that a backend that is up is exposed before the first socket.
 */
@Startup
@Singleton
public class MethodCatalog implements ReflectionRefresh.Catalog {

    /** What a method name leads to. */
    public sealed interface Lookup {
    }

    public record Found(BridgedMethod method) implements Lookup {
    }

    /** No backend exposes it; the reason says which part is unknown. */
    public record NotExposed(String reason) implements Lookup {
    }

    /** Its backend exposes it, but its descriptors have not been loaded yet (reflection has not answered). */
    public record NotLoaded(String backend) implements Lookup {
    }

    private static final Logger LOG = Logger.getLogger(MethodCatalog.class);

    private final Map<String, Exposure> exposures = new LinkedHashMap<>();
    /** Each backend's methods once loaded, replaced as a whole on refresh. */
    private final Map<String, Map<String, BridgedMethod>> loaded = new HashMap<>();
    private final ReflectionRefresh reflection = new ReflectionRefresh(this);
    /** Done once some backend has published at least one method. */
    private final CompletableFuture<Void> firstMethod = new CompletableFuture<>();

    MethodCatalog(GatewayConfig config, ConfiguredBackends backends, BackendChannels channels) throws InterruptedException {
        Map<String, String> owners = new HashMap<>();
        backends.all().forEach((backend, settings) -> {
            Exposure exposure = Exposure.of(backend, settings.expose());
            exposure.entries().forEach(entry -> {
                String other = owners.putIfAbsent(entry, backend);
                if (other != null) {
                    throw new IllegalStateException(entry + " is exposed by two backends: " + other + " and " + backend);
                }
            });
            exposures.put(backend, exposure);
        });
        Duration retry = config.calls().connectWait().compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
                : config.calls().connectWait();
        backends.all().forEach((backend, settings) -> {
            Exposure exposure = exposures.get(backend);
            if (settings.descriptorSet().isPresent()) {
                String location = settings.descriptorSet().get();
                publish(backend, exposure.select(DescriptorSets.link(DescriptorSets.read(location))), "descriptor set " + location);
            } else {
                reflection.start(backend, exposure, channels.of(backend).iterator().next(), retry, settings.reflectionRefresh());
            }
        });
        reflection.awaitFirstFetches();
    }

    /** What {@code fullName} ({@code package.Service/Method}) leads to now. */
    public Lookup lookup(String fullName) {
        int slash = fullName.indexOf('/');
        String service = slash < 0 ? fullName : fullName.substring(0, slash);
        for (Map.Entry<String, Exposure> backend : exposures.entrySet()) {
            if (!backend.getValue().covers(service, fullName)) {
                continue;
            }
            Map<String, BridgedMethod> methods = loadedOf(backend.getKey());
            if (methods == null) {
                return new NotLoaded(backend.getKey());
            }
            BridgedMethod method = methods.get(fullName);
            return method != null ? new Found(method)
                    : new NotExposed("service " + service + " has no method " + fullName.substring(slash + 1));
        }
        return new NotExposed("no backend exposes " + (slash < 0 ? "service " + service : fullName));
    }

    /** Whether {@code backend}'s descriptors are loaded. */
    @Override
    public boolean isLoaded(String backend) {
        return loadedOf(backend) != null;
    }

    /** Every method exposed now, sorted by name. */
    public Collection<BridgedMethod> methods() {
        synchronized (loaded) {
            return loaded.values().stream().flatMap(methods -> methods.values().stream())
                    .sorted(Comparator.comparing(BridgedMethod::fullName)).toList();
        }
    }

    /** Completes once any method is exposed: at once if one already is. */
    public CompletionStage<Void> firstMethod() {
        return firstMethod.minimalCompletionStage();
    }

    @PreDestroy
    void stop() {
        reflection.stop();
    }

    @Override
    public void publish(String backend, Map<String, BridgedMethod> methods, String source) {
        Map<String, BridgedMethod> before;
        synchronized (loaded) {
            before = loaded.put(backend, Map.copyOf(methods));
        }
        if (!methods.isEmpty()) {
            firstMethod.complete(null);
        }
        if (before == null || !before.keySet().equals(methods.keySet())) {
            LOG.infof("backend %s: %d methods from %s: %s", backend, methods.size(), source, new TreeMap<>(methods).keySet());
        }
    }

    private Map<String, BridgedMethod> loadedOf(String backend) {
        synchronized (loaded) {
            return loaded.get(backend);
        }
    }
}
