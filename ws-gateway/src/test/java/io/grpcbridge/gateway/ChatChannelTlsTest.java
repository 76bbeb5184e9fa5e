package io.grpcbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.api.Test;

import io.grpcbridge.testing.TestSocket;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The chat channel secured from the TLS registry (RegistryTlsForChannels): against a server that
 * requires a client certificate, the gateway verifies the server and presents its own.
 */
@QuarkusTest
@QuarkusTestResource(value = MutualTlsChatServer.class, restrictToAnnotatedClass = true)
class ChatChannelTlsTest {

    @TestHTTPResource("/ws")
    URI ws;

    @Test
    void socketsWorkOverMutualTls() throws Exception {
        TestSocket socket = TestSocket.connect(ws).send("{\"input\":\"你好\"}");
        assertThat(socket.next(2)).last().isEqualTo("{\"output\":\"服务端返回: 你好\"}");
        socket.closeNormally();
    }
}
