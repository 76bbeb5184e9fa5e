package io.grpcbridge.gateway.internals;

import java.util.Map;

import javax.net.ssl.SSLException;

import jakarta.inject.Singleton;

import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.InternalNettyChannelBuilder;
import io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.quarkus.grpc.api.ChannelBuilderCustomizer;
import io.quarkus.grpc.runtime.config.GrpcClientConfiguration;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.vertx.core.Vertx;

/**
 * TLS for a gRPC client from the Quarkus TLS registry: {@code quarkus.grpc.clients.<name>.tls-configuration-name}
 * names a {@code quarkus.tls.<configuration>.*} whose trust store (and key store, for mutual TLS)
 * secures the channel.
 * <p>
 * quarkus-grpc 3.34.2 honours that property only for its Vert.x-based client; the gateway uses the
 * grpc-java (Netty) client, whose flow control its bounds are built on. quarkus-grpc applies its
 * own plaintext/TLS choice after the customizers run, so the TLS handshake is installed as the
 * channel's protocol negotiator, which that later choice does not touch (grpc-java's internal API).
 * Hostname verification is always on; the TLS configuration's {@code reload} needs a restart here.
 */
@Singleton
public class RegistryTlsForChannels implements ChannelBuilderCustomizer<NettyChannelBuilder> {

    private final TlsConfigurationRegistry registry;
    private final Vertx vertx;

    RegistryTlsForChannels(TlsConfigurationRegistry registry, Vertx vertx) {
        this.registry = registry;
        this.vertx = vertx;
    }

    @Override
    public Map<String, Object> customize(String client, GrpcClientConfiguration config, NettyChannelBuilder builder) {
        config.tlsConfigurationName().ifPresent(name -> {
            TlsConfiguration tls = registry.get(name).orElseThrow(() -> new IllegalStateException("gRPC client " + client
                    + " names the TLS configuration " + name + ", but quarkus.tls." + name + ".* is not configured"));
            SslContext context = sslContext(tls, name);
            InternalNettyChannelBuilder.setProtocolNegotiatorFactory(builder,
                    () -> InternalProtocolNegotiators.tls(context, null, null));
        });
        return Map.of();
    }

    private SslContext sslContext(TlsConfiguration tls, String name) {
        try {
            SslContextBuilder context = GrpcSslContexts.forClient();
            if (tls.isTrustAll()) {
                context.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else if (tls.getTrustStoreOptions() != null) {
                context.trustManager(tls.getTrustStoreOptions().getTrustManagerFactory(vertx));
            }
            if (tls.getKeyStoreOptions() != null) {
                context.keyManager(tls.getKeyStoreOptions().getKeyManagerFactory(vertx));
            }
            return context.build();
        } catch (SSLException e) {
            throw new IllegalStateException("TLS configuration " + name + " cannot secure a gRPC channel", e);
        } catch (Exception e) {
            throw new IllegalStateException("TLS configuration " + name + ": its key or trust store cannot be read", e);
        }
    }
}
