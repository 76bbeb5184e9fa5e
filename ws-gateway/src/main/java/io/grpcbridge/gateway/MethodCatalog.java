package io.grpcbridge.gateway;

import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FileDescriptor;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.quarkus.runtime.Startup;

/**
 * Every method the gateway exposes, by {@code package.Service/Method}, from each backend's
 * descriptors: a descriptor set read at startup (a bad one stops the gateway), or the backend's
 * server reflection, asked at startup, retried every {@code gateway.chat.connect-wait} until it
 * answers, then asked again every {@code reflection-refresh}, and at once whenever the gateway's
 * connection to the backend comes back (a backend redeployed with a new .proto is seen as soon as
 * it is reachable again). A backend's methods are exposed only as its {@code expose} list says.
 */
@Startup
@Singleton
public class MethodCatalog {

    /** What a method name leads to. */
    sealed interface Lookup {
    }

    record Found(BridgedMethod method) implements Lookup {
    }

    /** No backend exposes it; the reason says which part is unknown. */
    record NotExposed(String reason) implements Lookup {
    }

    /** Its backend exposes it, but its descriptors have not been loaded yet (reflection has not answered). */
    record NotLoaded(String backend) implements Lookup {
    }

    private static final Logger LOG = Logger.getLogger(MethodCatalog.class);
    private static final Duration REFLECTION_TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, Exposure> exposures = new LinkedHashMap<>();
    /** Each backend's methods once loaded, replaced as a whole on refresh. */
    private final Map<String, Map<String, BridgedMethod>> loaded = new HashMap<>();
    /** Each reflected backend's next fetch, replaced when a reconnection brings it forward. */
    private final Map<String, ScheduledFuture<?>> nextFetch = new ConcurrentHashMap<>();
    private final ScheduledExecutorService reflection = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "descriptor-reflection");
        thread.setDaemon(true);
        return thread;
    });

    MethodCatalog(GatewayConfig config, ConfiguredBackends backends, BackendChannels channels) {
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
        backends.all().forEach((backend, settings) -> {
            Exposure exposure = exposures.get(backend);
            if (settings.descriptorSet().isPresent()) {
                String location = settings.descriptorSet().get();
                publish(backend, exposure.select(DescriptorSets.link(DescriptorSets.read(location))), "descriptor set " + location);
            } else {
                Duration retry = config.chat().connectWait().compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
                        : config.chat().connectWait();
                Runnable fetch = () -> reflect(backend, exposure, channels, retry, settings.reflectionRefresh(), null);
                nextFetch.put(backend, reflection.schedule(fetch, 0, TimeUnit.MILLISECONDS));
                fetchAgainOnReconnect(backend, channels.of(backend).iterator().next(), fetch);
            }
        });
    }

    /** What {@code fullName} ({@code package.Service/Method}) leads to now. */
    Lookup lookup(String fullName) {
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
    boolean isLoaded(String backend) {
        return loadedOf(backend) != null;
    }

    /** Every method exposed now, sorted by name. */
    Collection<BridgedMethod> methods() {
        synchronized (loaded) {
            return loaded.values().stream().flatMap(methods -> methods.values().stream())
                    .sorted(Comparator.comparing(BridgedMethod::fullName)).toList();
        }
    }

    @PreDestroy
    void stop() {
        reflection.shutdownNow();
    }

    private Map<String, BridgedMethod> loadedOf(String backend) {
        synchronized (loaded) {
            return loaded.get(backend);
        }
    }

    private void publish(String backend, Map<String, BridgedMethod> methods, String source) {
        Map<String, BridgedMethod> before;
        synchronized (loaded) {
            before = loaded.put(backend, Map.copyOf(methods));
        }
        if (before == null || !before.keySet().equals(methods.keySet())) {
            LOG.infof("backend %s: %d methods from %s: %s", backend, methods.size(), source, new TreeMap<>(methods).keySet());
        }
    }

    private void reflect(String backend, Exposure exposure, BackendChannels channels, Duration retry, Duration refresh,
            String lastFailure) {
        String failure = null;
        try {
            ReflectionClient.Fetched fetched = ReflectionClient.fetch(channels.of(backend).iterator().next(),
                    exposure.services(), REFLECTION_TIMEOUT);
            publish(backend, exposure.select(DescriptorSets.link(fetched.files())), fetched.wellKnownNotServed().isEmpty()
                    ? "server reflection"
                    : "server reflection, with protobuf-java's own " + fetched.wellKnownNotServed() + " (the server could not serve them)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            if (reflection.isShutdown()) {
                return; // the gateway is stopping, and its channels with it
            }
            failure = String.valueOf(e.getMessage());
            if (!failure.equals(lastFailure)) {
                LOG.warnf("backend %s: server reflection failed (%s); %s", backend, failure,
                        isLoaded(backend) ? "the descriptors loaded before stay in use" : "its methods get 503 until it answers");
            }
        }
        Duration next = failure != null && !isLoaded(backend) ? retry : refresh;
        String seen = failure;
        nextFetch.put(backend, reflection.schedule(() -> reflect(backend, exposure, channels, retry, refresh, seen),
                next.toMillis(), TimeUnit.MILLISECONDS));
    }

    /**
     * Whenever {@code channel} becomes ready again after it was not, the backend's descriptors are
     * fetched at once. A channel that falls idle (its connection closed) is asked to connect again,
     * so that a restarted backend is seen without waiting for a socket or a probe to ask for it.
     */
    private void fetchAgainOnReconnect(String backend, ManagedChannel channel, Runnable fetch) {
        ConnectivityState before = channel.getState(false);
        channel.notifyWhenStateChanged(before, () -> {
            ConnectivityState now = channel.getState(false);
            if (now == ConnectivityState.SHUTDOWN || reflection.isShutdown()) {
                return;
            }
            if (now == ConnectivityState.IDLE) {
                channel.getState(true);
            }
            if (now == ConnectivityState.READY && before != ConnectivityState.READY) {
                reflection.execute(() -> {
                    ScheduledFuture<?> scheduled = nextFetch.get(backend);
                    if (scheduled != null && scheduled.cancel(false)) {
                        fetch.run();
                    }
                });
            }
            fetchAgainOnReconnect(backend, channel, fetch);
        });
    }

    /** What {@code gateway.backends.<name>.expose} lists: whole services and single methods. */
    record Exposure(String backend, Set<String> wholeServices, Set<String> singleMethods) {

        static Exposure of(String backend, List<String> entries) {
            Set<String> services = entries.stream().filter(entry -> !entry.contains("/")).collect(Collectors.toSet());
            Set<String> methods = entries.stream().filter(entry -> entry.contains("/")).collect(Collectors.toSet());
            return new Exposure(backend, services, methods);
        }

        Set<String> entries() {
            return Stream.concat(wholeServices.stream(), singleMethods.stream()).collect(Collectors.toSet());
        }

        /** The services to ask reflection about. */
        List<String> services() {
            return Stream.concat(wholeServices.stream(),
                    singleMethods.stream().map(method -> method.substring(0, method.indexOf('/'))))
                    .distinct().sorted().toList();
        }

        boolean covers(String service, String fullName) {
            return wholeServices.contains(service) || singleMethods.contains(fullName);
        }

        /** The listed methods of {@code files}; fails naming an entry they do not define. */
        Map<String, BridgedMethod> select(Collection<FileDescriptor> files) {
            MessageJson json = new MessageJson(files);
            Map<String, BridgedMethod> methods = new LinkedHashMap<>();
            Set<String> found = new HashSet<>();
            for (FileDescriptor file : files) {
                for (Descriptors.ServiceDescriptor service : file.getServices()) {
                    for (Descriptors.MethodDescriptor method : service.getMethods()) {
                        String fullName = BridgedMethod.fullName(method);
                        if (covers(service.getFullName(), fullName)) {
                            found.add(service.getFullName());
                            found.add(fullName);
                            methods.put(fullName, new BridgedMethod(backend, method, json));
                        }
                    }
                }
            }
            Set<String> missing = entries().stream().filter(entry -> !found.contains(entry)).collect(Collectors.toSet());
            if (!missing.isEmpty()) {
                throw new IllegalStateException("gateway.backends." + backend + ".expose lists " + missing
                        + ", which its descriptors do not define");
            }
            return methods;
        }
    }
}
