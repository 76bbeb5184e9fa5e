package io.grpcbridge.gateway.internals;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.ConfigProvider;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.quarkus.grpc.api.ChannelBuilderCustomizer;
import io.quarkus.grpc.runtime.GrpcClientInterceptorContainer;
import io.quarkus.grpc.runtime.config.GrpcClientConfiguration;
import io.quarkus.grpc.runtime.config.GrpcConfiguration;
import io.quarkus.grpc.runtime.supports.IOThreadClientInterceptor;
import io.quarkus.runtime.LaunchMode;
import io.smallrye.config.SmallRyeConfig;

/**
 * quarkus-grpc's clients ({@code quarkus.grpc.clients.<name>.*}) as grpc-java Netty channels built
 * on an event loop of the caller's choosing, which quarkus-grpc 3.34.2 cannot do (it builds one
 * channel per client). Reads quarkus-grpc's own configuration mapping, and passes its global client
 * interceptors (tracing, and metrics when enabled) except its thread hop, {@code IOThreadClientInterceptor},
 * which a channel whose callbacks run on its own event loop makes needless.
 * <p>
 * These keys are honoured: {@code host}, {@code port} ({@code test-port} in tests),
 * {@code name-resolver}, {@code load-balancing-policy}, {@code tls-configuration-name} (through
 * {@link RegistryTlsForChannels} and any other {@link ChannelBuilderCustomizer}), {@code plain-text},
 * {@code flow-control-window}, {@code max-inbound-message-size}, {@code max-inbound-metadata-size},
 * {@code keep-alive-time}, {@code keep-alive-timeout}, {@code keep-alive-without-calls},
 * {@code idle-timeout}, {@code override-authority} and {@code user-agent}.
 */
@Singleton
public class QuarkusGrpcClients {

    /** quarkus-grpc's default for a client's HTTP/2 window: 1 MiB. */
    private static final int DEFAULT_FLOW_CONTROL_WINDOW = 1 << 20;

    /**
     * Where a client's calls go, as configured.
     *
     * @param nameResolver quarkus-grpc's {@code name-resolver}: {@code dns} by default, {@code stork}, or another scheme
     * @param loadBalancingPolicy grpc-java's policy name, e.g. {@code pick_first}
     */
    public record Address(String host, int port, String nameResolver, String loadBalancingPolicy) {
    }

    private final Map<String, GrpcClientConfiguration> clients;
    private final List<ChannelBuilderCustomizer<?>> customizers;
    private final List<ClientInterceptor> interceptors;

    QuarkusGrpcClients(@Any Instance<ChannelBuilderCustomizer<?>> customizers, GrpcClientInterceptorContainer interceptors) {
        this.clients = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getConfigMapping(GrpcConfiguration.class).clients();
        this.customizers = customizers.stream().sorted(Comparator.comparingInt(ChannelBuilderCustomizer::priority)).toList();
        this.interceptors = interceptors.getSortedGlobalInterceptors().stream()
                .filter(interceptor -> !(interceptor instanceof IOThreadClientInterceptor)).toList();
    }

    /** The address of client {@code name}, if one is configured. */
    public Optional<Address> address(String name) {
        GrpcClientConfiguration config = clients.get(name);
        if (config == null) {
            return Optional.empty();
        }
        int port = LaunchMode.current() == LaunchMode.TEST ? config.testPort().orElse(config.port()) : config.port();
        return Optional.of(new Address(config.host(), port, config.nameResolver(), config.loadBalancingPolicy()));
    }

    /**
     * A channel of client {@code name} to {@code target} with {@code loadBalancingPolicy}, its
     * connection on {@code loop} and its callbacks run there directly. It connects at once.
     */
    @SuppressWarnings({ "rawtypes", "unchecked" })
    public ManagedChannel channel(String name, String target, String loadBalancingPolicy, EventLoop loop) {
        GrpcClientConfiguration config = clients.get(name);
        NettyChannelBuilder builder = NettyChannelBuilder.forTarget(target)
                .eventLoopGroup(loop)
                .channelType(NioSocketChannel.class)
                .directExecutor()
                .defaultLoadBalancingPolicy(loadBalancingPolicy)
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
            serviceConfig.putAll(customizer.customize(name, config, builder));
        }
        builder.defaultServiceConfig(serviceConfig);
        ManagedChannel channel = builder.build();
        channel.getState(true); // connect now, not on the first call
        return channel;
    }
}
