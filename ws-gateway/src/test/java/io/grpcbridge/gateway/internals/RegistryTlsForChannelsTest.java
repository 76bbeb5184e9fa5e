package io.grpcbridge.gateway.internals;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.api.Test;

import io.grpcbridge.gateway.fakes.MutualTlsChatServer;
import io.grpcbridge.testing.TestSocket;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The chat channel secured from the TLS registry ({@link RegistryTlsForChannels}): against a server
 * that requires a client certificate, the gateway verifies the server and presents its own. It
 * relies on quarkus-grpc choosing plaintext or TLS after the customizers run, without touching the
 * protocol negotiator they installed: if an upgrade changes that, this fails.
 */
@QuarkusTest
@WithTestResource(value = MutualTlsChatServer.class, scope = TestResourceScope.MATCHING_RESOURCES)
class RegistryTlsForChannelsTest {

    @TestHTTPResource("/ws")
    URI ws;

    @Test
    void socketsWorkOverMutualTls() throws Exception {
        TestSocket socket = TestSocket.connect(ws).send("{\"input\":\"你好\"}");
        assertThat(socket.next(2)).last().isEqualTo("{\"output\":\"服务端返回: 你好\"}");
        socket.closeNormally();
    }
}
