package io.grpcbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.api.Test;

import io.grpcbridge.testing.TestSocket;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** A backend with only the older {@code grpc.reflection.v1alpha} (v1 answers UNIMPLEMENTED) is bridged too. */
@QuarkusTest
@QuarkusTestResource(value = ShowcaseBackend.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "descriptors", value = "v1alpha"))
class ReflectionV1alphaTest {

    @TestHTTPResource("/")
    URI root;

    @Test
    void aServerWithOnlyV1alphaReflectionIsBridged() throws Exception {
        ReflectedMethodsTest.awaitReflected();
        TestSocket socket = TestSocket.connect(root.resolve("/ws/showcase.Showcase/Sum"));

        socket.send("{\"message\":{\"value\":\"40\"}}", "{\"message\":{\"value\":\"2\"}}", "{\"end\":true}");

        socket.next(); // headers
        assertThat(socket.next()).isEqualTo("{\"message\":{\"sum\":\"42\",\"count\":\"2\",\"ascending\":false}}");
    }
}
