package io.grpcbridge.gateway;

import java.util.Collection;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import io.quarkus.grpc.api.ChannelBuilderCustomizer;
import io.quarkus.grpc.runtime.GrpcClientInterceptorContainer;
import io.quarkus.grpc.runtime.config.GrpcClientConfiguration;
import io.quarkus.grpc.runtime.config.GrpcConfiguration;
import io.quarkus.grpc.runtime.supports.IOThreadClientInterceptor;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;
import io.smallrye.config.SmallRyeConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;

/**
 * The gateway's channels to its gRPC backends ({@code gateway.backends.*}): for each backend, one
 * channel per Vert.x event loop, each with its HTTP/2 connection on that loop and its callbacks run
 * there directly. A socket's call goes on the channel of the socket's own loop, so a frame never
 * crosses threads between the socket and the backend. With the one channel quarkus-grpc builds per
 * client, the connection sat on one loop and every response of a socket on another was handed over
 * twice (gRPC's executor, then quarkus-grpc's {@code IOThreadClientInterceptor}): one chat socket's
 * round trip took 154-174 us at the median instead of 120-131 us.
 * <p>
 * A backend named {@code b} is configured by the standard {@code quarkus.grpc.clients.b.*} keys, of
 * which these are honoured: {@code host}, {@code port} ({@code test-port} in tests),
 * {@code name-resolver}, {@code load-balancing-policy}, {@code tls-configuration-name} (through
 * {@link RegistryTlsForChannels} and any other {@link ChannelBuilderCustomizer}), {@code plain-text},
 * {@code flow-control-window}, {@code max-inbound-message-size}, {@code max-inbound-metadata-size},
 * {@code keep-alive-time}, {@code keep-alive-timeout}, {@code keep-alive-without-calls},
 * {@code idle-timeout}, {@code override-authority} and {@code user-agent}. With
 * {@code name-resolver=stork}, {@code host} names a Stork service ({@code quarkus.stork.<host>.*}):
 * its instances are the backend's replicas ({@link StorkReplicas}), one picked per call. Calls pass quarkus-grpc's global client interceptors (tracing, and metrics when
 * enabled) except the thread hop, which these channels make needless.
 */
@Startup
@Singleton
public class BackendChannels {

    private static final Logger LOG = Logger.getLogger(BackendChannels.class);
    private static final String STORK = "stork";
    /** quarkus-grpc's default for a client's HTTP/2 window: 1 MiB. */
    private static final int DEFAULT_FLOW_CONTROL_WINDOW = 1 << 20;

    static {
        NameResolverRegistry.getDefaultRegistry().register(new StorkReplicas.Provider());
    }

    private final Map<String, Map<EventLoop, ManagedChannel>> byBackend = new LinkedHashMap<>();

    BackendChannels(Vertx vertx, ConfiguredBackends backends, @Any Instance<ChannelBuilderCustomizer<?>> customizers,
            GrpcClientInterceptorContainer interceptors) {
        Map<String, GrpcClientConfiguration> clients = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class)
                .getConfigMapping(GrpcConfiguration.class).clients();
        List<ClientInterceptor> global = interceptors.getSortedGlobalInterceptors().stream()
                .filter(interceptor -> !(interceptor instanceof IOThreadClientInterceptor)).toList();
        List<ChannelBuilderCustomizer<?>> sorted = customizers.stream()
                .sorted(Comparator.comparingInt(ChannelBuilderCustomizer::priority)).toList();
        for (String backend : backends.all().keySet()) {
            GrpcClientConfiguration config = clients.get(backend);
            if (config == null) {
                throw new IllegalStateException("gateway.backends." + backend + " has no address: set quarkus.grpc.clients."
                        + backend + ".host (and .port)");
            }
            Map<EventLoop, ManagedChannel> byLoop = new IdentityHashMap<>();
            for (EventExecutor executor : vertx.nettyEventLoopGroup()) {
                EventLoop loop = (EventLoop) executor;
                byLoop.put(loop, build(backend, config, loop, sorted, global));
            }
            byBackend.put(backend, byLoop);
            LOG.infof("backend %s: %d channels to %s (one per event loop)", backend, byLoop.size(), target(config));
        }
    }

    /** {@code backend}'s channel for the event loop this runs on; only to be called on a Vert.x event loop. */
    ManagedChannel forCurrentEventLoop(String backend) {
        Context context = Vertx.currentContext();
        if (context == null || !Context.isOnEventLoopThread()) {
            throw new IllegalStateException("not on a Vert.x event loop: " + Thread.currentThread().getName());
        }
        return byBackend.get(backend).get(((ContextInternal) context).nettyEventLoop());
    }

    /** Every channel of {@code backend}. */
    Collection<ManagedChannel> of(String backend) {
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

    @SuppressWarnings({ "rawtypes", "unchecked" })
    private static ManagedChannel build(String backend, GrpcClientConfiguration config, EventLoop loop,
            List<ChannelBuilderCustomizer<?>> customizers, List<ClientInterceptor> interceptors) {
        NettyChannelBuilder builder = NettyChannelBuilder.forTarget(target(config))
                .eventLoopGroup(loop)
                .channelType(NioSocketChannel.class)
                .directExecutor()
                // Replicas found through Stork: grpc-java's round_robin picks one per call (see StorkReplicas).
                .defaultLoadBalancingPolicy(isStork(config) ? "round_robin" : config.loadBalancingPolicy())
                .flowControlWindow(config.flowControlWindow().orElse(DEFAULT_FLOW_CONTROL_WINDOW))
                .keepAliveWithoutCalls(config.keepAliveWithoutCalls())
                .disableRetry()
                .intercept(interceptors);
        config.maxInboundMessageSize().ifPresent(builder::maxInboundMessageSize);
        config.maxInboundMetadataSize().ifPresent(builder::maxInboundMetadataSize);
        config.keepAliveTime().ifPresent(time -> builder.keepAliveTime(time.toMillis(), TimeUnit.MILLISECONDS));
        config.keepAliveTimeout().ifPresent(time -> builder.keepAliveTimeout(time.toMillis(), TimeUnit.MILLISECONDS));
        config.idleTimeout().ifPresent(time -> builder.idleTimeout(time.toMillis(), TimeUnit.MILLISECONDS));
        config.overrideAuthority().ifPresent(builder::overrideAuthority);
        config.userAgent().ifPresent(builder::userAgent);
        // A TLS configuration installs the TLS handshake itself (RegistryTlsForChannels); otherwise plaintext.
        if (config.tlsConfigurationName().isEmpty() && config.plainText().orElse(true)) {
            builder.usePlaintext();
        }
        Map<String, Object> serviceConfig = new LinkedHashMap<>();
        for (ChannelBuilderCustomizer customizer : customizers) {
            serviceConfig.putAll(customizer.customize(backend, config, builder));
        }
        builder.defaultServiceConfig(serviceConfig);
        ManagedChannel channel = builder.build();
        channel.getState(true); // connect now, not on the first socket
        return channel;
    }

    private static boolean isStork(GrpcClientConfiguration config) {
        return STORK.equalsIgnoreCase(config.nameResolver());
    }

    /** As quarkus-grpc forms it: {@code dns:///host:port} by default; for Stork, {@code stork-replicas://service}. */
    private static String target(GrpcClientConfiguration config) {
        if (isStork(config)) {
            return StorkReplicas.SCHEME + "://" + config.host();
        }
        int port = LaunchMode.current() == LaunchMode.TEST ? config.testPort().orElse(config.port()) : config.port();
        String resolver = config.nameResolver().split(":")[0];
        String host = "dns".equalsIgnoreCase(resolver) ? "/" + config.host() : config.host();
        return resolver + "://" + host + ":" + port;
    }
}
