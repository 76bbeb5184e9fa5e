package io.grpcbridge.gateway.backend;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.Status;
import io.smallrye.stork.Stork;
import io.smallrye.stork.api.Service;
import io.smallrye.stork.api.ServiceInstance;

/**
 * A backend's replicas as SmallRye Stork discovers them ({@code quarkus.stork.<service>.service-discovery.*}:
 * a static list, DNS, Kubernetes), handed to grpc-java's own per-call balancer ({@code round_robin}).
 * <p>
 * Not quarkus-grpc's own Stork resolver (Quarkus 3.34.2): that one forces Stork's balancer, which
 * never reconnects to a replica that went away and came back at the same address while another is
 * connected, and reports instances again only when their set changes. grpc-java's round_robin
 * reconnects a lost replica itself (with backoff), and this resolver asks Stork again every
 * {@link #REDISCOVERY_PERIOD_SECONDS} s and whenever grpc-java asks (a replica failed), so replicas
 * added later are used too.
 */
final class StorkReplicas extends NameResolver {

    /** The target scheme of a backend whose {@code name-resolver} is {@code stork}: {@code stork-replicas://<service>}. */
    static final String SCHEME = "stork-replicas";
    private static final Logger LOG = Logger.getLogger(StorkReplicas.class);
    private static final long REDISCOVERY_PERIOD_SECONDS = 5;

    private final String serviceName;
    private final Args args;
    private Listener2 listener;
    private ScheduledFuture<?> rediscovery;
    private volatile boolean shutdown;

    private StorkReplicas(String serviceName, Args args) {
        this.serviceName = serviceName;
        this.args = args;
    }

    @Override
    public String getServiceAuthority() {
        return serviceName;
    }

    @Override
    public void start(Listener2 newListener) {
        listener = newListener;
        discover();
        rediscovery = args.getScheduledExecutorService().scheduleWithFixedDelay(() -> args.getSynchronizationContext()
                .execute(this::discover), REDISCOVERY_PERIOD_SECONDS, REDISCOVERY_PERIOD_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void refresh() {
        discover();
    }

    @Override
    public void shutdown() {
        shutdown = true;
        if (rediscovery != null) {
            rediscovery.cancel(false);
        }
    }

    private void discover() {
        Service service = Stork.getInstance().getServiceOptional(serviceName).orElse(null);
        if (service == null) {
            listener.onError(Status.UNAVAILABLE.withDescription("no Stork service " + serviceName
                    + ": configure quarkus.stork." + serviceName + ".service-discovery.*"));
            return;
        }
        service.getServiceDiscovery().getServiceInstances().subscribe().with(
                instances -> args.getSynchronizationContext().execute(() -> publish(instances)),
                failure -> args.getSynchronizationContext().execute(() -> {
                    LOG.debugf(failure, "Stork service %s: discovery failed", serviceName);
                    if (!shutdown) {
                        listener.onError(Status.UNAVAILABLE.withDescription("discovery of " + serviceName + " failed")
                                .withCause(failure));
                    }
                }));
    }

    private void publish(List<ServiceInstance> instances) {
        if (shutdown) {
            return;
        }
        List<EquivalentAddressGroup> addresses = instances.stream()
                .map(instance -> new EquivalentAddressGroup(new InetSocketAddress(instance.getHost(), instance.getPort())))
                .toList();
        if (addresses.isEmpty()) {
            listener.onError(Status.UNAVAILABLE.withDescription("Stork service " + serviceName + " has no instance"));
            return;
        }
        listener.onResult(ResolutionResult.newBuilder().setAddresses(addresses).build());
    }

    /** Registered once, for every backend resolved through Stork. */
    static final class Provider extends NameResolverProvider {

        @Override
        public NameResolver newNameResolver(URI target, Args args) {
            return SCHEME.equals(target.getScheme()) ? new StorkReplicas(target.getAuthority(), args) : null;
        }

        @Override
        public String getDefaultScheme() {
            return SCHEME;
        }

        @Override
        protected boolean isAvailable() {
            return true;
        }

        @Override
        protected int priority() {
            return 5;
        }
    }
}
