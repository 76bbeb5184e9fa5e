package io.grpcbridge.gateway.backend;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.netty.NettyChannelBuilder;
import io.grpcbridge.gateway.internals.EventLoops;
import io.grpcbridge.gateway.internals.QuarkusGrpcClients;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import io.quarkus.runtime.Startup;
import io.vertx.core.Vertx;

/**
 * The gateway's channels to its gRPC backends ({@code gateway.backends.*}): for each backend, one
 * channel per Vert.x event loop, each with its HTTP/2 connection on that loop and its callbacks run
 * there directly. A socket's call goes on the channel of the socket's own loop, so a frame never
 * crosses threads between the socket and the backend. With the one channel quarkus-grpc builds per
 * client, the connection sat on one loop and every response of a socket on another was handed over
 * twice (gRPC's executor, then quarkus-grpc's thread hop): one chat socket's round trip took
 * 154-174 us at the median instead of 120-131 us.
 * <p>
 * A backend named {@code b} is configured by the standard {@code quarkus.grpc.clients.b.*} keys
 * ({@link QuarkusGrpcClients} lists those honoured). With {@code name-resolver=stork}, {@code host}
 * names a Stork service ({@code quarkus.stork.<host>.*}): its instances are the backend's replicas
 * ({@link StorkReplicas}), one picked per call by grpc-java's {@code round_robin}.
 */
@Startup
@Singleton
public class BackendChannels {

    private static final Logger LOG = Logger.getLogger(BackendChannels.class);
    private static final String STORK = "stork";

    static {
        NameResolverRegistry.getDefaultRegistry().register(new StorkReplicas.Provider());
    }

    /** Read on every call, from every event loop; a loopback backend comes and goes while they run. */
    private final Map<String, Map<EventLoop, ManagedChannel>> byBackend = new ConcurrentHashMap<>();
    private final Vertx vertx;

    BackendChannels(Vertx vertx, ConfiguredBackends backends, QuarkusGrpcClients clients) {
        this.vertx = vertx;
        for (String backend : backends.all().keySet()) {
            QuarkusGrpcClients.Address address = clients.address(backend).orElseThrow(() -> new IllegalStateException(
                    "gateway.backends." + backend + " has no address: set quarkus.grpc.clients." + backend + ".host (and .port)"));
            String target = target(address);
            String policy = isStork(address) ? "round_robin" : address.loadBalancingPolicy();
            Map<EventLoop, ManagedChannel> byLoop = new IdentityHashMap<>();
            for (EventExecutor executor : vertx.nettyEventLoopGroup()) {
                EventLoop loop = (EventLoop) executor;
                byLoop.put(loop, clients.channel(backend, target, policy, loop));
            }
            byBackend.put(backend, byLoop);
            LOG.infof("backend %s: %d channels to %s (one per event loop)", backend, byLoop.size(), target);
        }
    }

    /**
     * A backend {@code name} in this JVM on the loopback port {@code port} ({@link WarmUpBackend}):
     * plaintext channels, one per event loop, until {@link #closeLoopback}.
     */
    void openLoopback(String name, int port) {
        Map<EventLoop, ManagedChannel> byLoop = new IdentityHashMap<>();
        for (EventExecutor executor : vertx.nettyEventLoopGroup()) {
            EventLoop loop = (EventLoop) executor;
            byLoop.put(loop, NettyChannelBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                    .eventLoopGroup(loop)
                    .channelType(NioSocketChannel.class)
                    .directExecutor()
                    .usePlaintext()
                    .build());
        }
        byBackend.put(name, byLoop);
    }

    void closeLoopback(String name) {
        Map<EventLoop, ManagedChannel> byLoop = byBackend.remove(name);
        if (byLoop != null) {
            byLoop.values().forEach(ManagedChannel::shutdownNow);
        }
    }

    /** {@code backend}'s channel for the event loop this runs on; only to be called on a Vert.x event loop. */
    public ManagedChannel forCurrentEventLoop(String backend) {
        return byBackend.get(backend).get(EventLoops.current());
    }

    /** Every channel of {@code backend}. */
    public Collection<ManagedChannel> of(String backend) {
        return byBackend.get(backend).values();
    }

    @PreDestroy
    void shutdown() throws InterruptedException {
        List<ManagedChannel> channels = byBackend.values().stream().flatMap(byLoop -> byLoop.values().stream()).toList();
        channels.forEach(ManagedChannel::shutdown);
        for (ManagedChannel channel : channels) {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        }
    }

    private static boolean isStork(QuarkusGrpcClients.Address address) {
        return STORK.equalsIgnoreCase(address.nameResolver());
    }

    /** As quarkus-grpc forms it: {@code dns:///host:port} by default; for Stork, {@code stork-replicas://service}. */
    private static String target(QuarkusGrpcClients.Address address) {
        if (isStork(address)) {
            return StorkReplicas.SCHEME + "://" + address.host();
        }
        String resolver = address.nameResolver().split(":")[0];
        String host = "dns".equalsIgnoreCase(resolver) ? "/" + address.host() : address.host();
        return resolver + "://" + host + ":" + address.port();
    }
}
