package io.grpcbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpcbridge.testing.TestSocket;
import io.smallrye.certs.CertificateGenerator;
import io.smallrye.certs.CertificateRequest;
import io.smallrye.certs.Format;
import io.smallrye.certs.PemCertificateFiles;

/**
 * TLS on the gRPC hop, configured through the Quarkus TLS registry on both sides with self-signed
 * certificates made for the test: chat-service serves gRPC over TLS on its HTTPS port, and the
 * gateway talks to it only when its TLS configuration trusts chat-service's certificate. (Mutual TLS
 * is covered in ws-gateway's ChatChannelTlsTest: chat-service would have to be built with
 * quarkus.http.ssl.client-auth=required, a build-time property.)
 */
class GrpcTlsIT {

    static PemCertificateFiles chatCertificate;
    static PemCertificateFiles strangerCertificate;
    static int tlsPort;
    static ServiceProcess chat;
    ServiceProcess gateway;

    @BeforeAll
    static void startChatServiceWithTls() throws Exception {
        CertificateGenerator generator = new CertificateGenerator(Files.createDirectories(Path.of("target", "certs")), true);
        chatCertificate = pem(generator, "chat");
        strangerCertificate = pem(generator, "stranger");
        tlsPort = ServiceProcess.freePort();
        chat = ServiceProcess.chatService(
                "-Dquarkus.http.ssl-port=" + tlsPort,
                "-Dquarkus.http.tls-configuration-name=chat-server",
                "-Dquarkus.tls.chat-server.key-store.pem.0.cert=" + chatCertificate.certFile().toAbsolutePath(),
                "-Dquarkus.tls.chat-server.key-store.pem.0.key=" + chatCertificate.keyFile().toAbsolutePath()).start();
    }

    @AfterEach
    void stopGateway() throws InterruptedException {
        if (gateway != null) {
            gateway.stop();
        }
    }

    @AfterAll
    static void stopChatService() throws InterruptedException {
        if (chat != null) {
            chat.stop();
        }
    }

    @Test
    void gatewayTrustingTheServicesCertificateTalksToItOverTls() throws Exception {
        gateway = gatewayTrusting(chatCertificate).start();

        TestSocket socket = TestSocket.connect(gateway.ws()).send("{\"input\":\"你好\"}");
        assertThat(socket.next(2)).last().isEqualTo("{\"output\":\"服务端返回: 你好\"}");
        socket.closeNormally();
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.answers("/q/health/ready"));
    }

    @Test
    void gatewayThatDoesNotTrustTheServicesCertificateReachesNothing() throws Exception {
        gateway = gatewayTrusting(strangerCertificate).start();

        assertThat(upgradeStatus()).isEqualTo(503);
        assertThat(gateway.answers("/q/health/ready")).isFalse();
    }

    @Test
    void gatewayWithoutTlsGetsNoAnswerFromTheTlsPort() throws Exception {
        gateway = ServiceProcess.gateway(tlsPort).start();

        assertThat(upgradeStatus()).isEqualTo(503);
        assertThat(gateway.answers("/q/health/ready")).isFalse();
    }

    private static ServiceProcess gatewayTrusting(PemCertificateFiles trusted) {
        return ServiceProcess.gateway(tlsPort,
                "-Dquarkus.grpc.clients.chat.tls-configuration-name=chat-client",
                "-Dquarkus.tls.chat-client.trust-store.pem.certs=" + trusted.trustFile().toAbsolutePath());
    }

    /** A gateway that cannot reach chat-service refuses upgrades: no socket opens without its call. */
    private int upgradeStatus() {
        return TestSocket.handshakeStatus(() -> TestSocket.connect(gateway.ws()));
    }

    private static PemCertificateFiles pem(CertificateGenerator generator, String name) throws Exception {
        return (PemCertificateFiles) generator.generate(new CertificateRequest()
                .withName(name).withFormat(Format.PEM)).get(0);
    }
}
