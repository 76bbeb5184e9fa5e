package io.grpcbridge.gateway.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.api.Test;

import io.grpcbridge.gateway.fakes.ShowcaseBackend;
import io.grpcbridge.testing.TestSocket;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A backend as older servers are (Go services built with older generated code among them) is
 * bridged too: only {@code grpc.reflection.v1alpha} (v1 answers UNIMPLEMENTED), and {@code NOT_FOUND}
 * for the well-known types' files its own files import; protobuf-java's copies stand in for them.
 */
@QuarkusTest
@WithTestResource(value = ShowcaseBackend.class, scope = TestResourceScope.MATCHING_RESOURCES,
        initArgs = @ResourceArg(name = "descriptors", value = "v1alpha-without-well-known-files"))
class ReflectionV1alphaTest {

    @TestHTTPResource("/")
    URI root;

    @Test
    void aServerWithOnlyV1alphaReflectionThatCannotServeTheWellKnownFilesIsBridged() throws Exception {
        ReflectedMethodsTest.awaitReflected();
        TestSocket socket = TestSocket.connect(root.resolve("/ws/showcase.Showcase/Sum"));

        socket.send("{\"message\":{\"value\":\"40\"}}", "{\"message\":{\"value\":\"2\"}}", "{\"end\":true}");

        socket.next(); // headers
        assertThat(socket.next()).isEqualTo("{\"message\":{\"sum\":\"42\",\"count\":\"2\",\"ascending\":false}}");
    }

    @Test
    void itsWellKnownTypesMapAsTheirJson() throws Exception {
        ReflectedMethodsTest.awaitReflected();
        TestSocket socket = TestSocket.connect(root.resolve("/ws/showcase.Showcase/Echo"));

        socket.send("{\"message\":{\"timestamp\":\"2026-12-07T18:00:00.5Z\",\"duration\":\"1.5s\","
                + "\"struct\":{\"a\":[1,\"b\",null]}}}");

        socket.next(); // headers
        assertThat(socket.next()).contains("\"timestamp\":\"2026-12-07T18:00:00.500Z\"", "\"duration\":\"1.500s\"",
                "\"struct\":{\"a\":[1.0,\"b\",null]}");
    }
}
