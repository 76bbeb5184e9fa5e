package io.grpcbridge.gateway.fakes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.smallrye.certs.CertificateGenerator;
import io.smallrye.certs.CertificateRequest;
import io.smallrye.certs.Format;
import io.smallrye.certs.PemCertificateFiles;

/**
 * {@link FakeChatServer} over TLS that requires a client certificate, with self-signed certificates
 * made for the test; the gateway gets a TLS registry configuration that trusts the server and
 * presents the client certificate.
 */
public class MutualTlsChatServer extends FakeChatServer {

    @Override
    public Map<String, String> start() {
        PemCertificateFiles certificates = generate();
        try {
            tls = GrpcSslContexts.forServer(certificates.certFile().toFile(), certificates.keyFile().toFile())
                    .trustManager(certificates.serverTrustFile().toFile())
                    .clientAuth(ClientAuth.REQUIRE)
                    .build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> config = new HashMap<>(super.start());
        config.put("quarkus.grpc.clients.chat.tls-configuration-name", "chat-client");
        config.put("quarkus.tls.chat-client.trust-store.pem.certs", certificates.trustFile().toString());
        config.put("quarkus.tls.chat-client.key-store.pem.0.cert", certificates.clientCertFile().toString());
        config.put("quarkus.tls.chat-client.key-store.pem.0.key", certificates.clientKeyFile().toString());
        return config;
    }

    private static PemCertificateFiles generate() {
        try {
            Path directory = Files.createDirectories(Path.of("target", "certs"));
            return (PemCertificateFiles) new CertificateGenerator(directory, true).generate(new CertificateRequest()
                    .withName("fake-chat").withFormat(Format.PEM).withClientCertificate()).get(0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
