package io.grpcbridge.gateway.backend;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.grpcbridge.gateway.endpoint.MethodSocketsTest;
import io.grpcbridge.gateway.fakes.InjectShowcase;
import io.grpcbridge.gateway.fakes.ShowcaseBackend;
import io.grpcbridge.showcase.Everything;
import io.grpcbridge.testing.ShowcaseMessages;
import io.grpcbridge.testing.TestSocket;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The showcase service bridged from its server reflection ({@code grpc.reflection.v1}) rather than a
 * descriptor set: the gateway asks it for the files that define the service and for every import
 * (the well-known types included), and the JSON mapping is the same as protobuf's, Any included.
 */
@QuarkusTest
@WithTestResource(value = ShowcaseBackend.class, scope = TestResourceScope.MATCHING_RESOURCES,
        initArgs = @ResourceArg(name = "descriptors", value = "reflection"))
class ReflectedMethodsTest {

    @InjectShowcase
    ShowcaseBackend showcase;

    @TestHTTPResource("/")
    URI root;

    @Test
    void aReflectedServiceIsBridgedWithTheSameJsonMappingAsProtobufs() throws Exception {
        awaitReflected();
        Everything everything = ShowcaseMessages.everything();
        String json = MethodSocketsTest.PROTOBUF_JSON.print(everything);
        TestSocket socket = TestSocket.connect(root.resolve("/ws/showcase.Showcase/Echo"));

        socket.send("{\"message\":" + json + "}");

        socket.next(); // headers
        assertThat(MethodSocketsTest.json(socket.next())).isEqualTo(MethodSocketsTest.json("{\"message\":" + json + "}"));
        assertThat(socket.next()).contains("\"code\":\"OK\"");
    }

    @Test
    void reflectionAndHealthOfTheBackendAreNotExposed() {
        awaitReflected();
        given().get("/ws/grpc.reflection.v1.ServerReflection/ServerReflectionInfo").then().statusCode(404);
        given().get("/ws/grpc.health.v1.Health/Check").then().statusCode(404);
    }

    @Test
    void aRestartedBackendIsAskedForItsDescriptorsAgainAsSoonAsItIsBack() throws Exception {
        awaitReflected();
        showcase.redeploy();

        // A redeployed backend may have a new .proto: its reflection is asked at once, not at the
        // next refresh (gateway.backends.<name>.reflection-refresh, 5 minutes).
        await().atMost(Duration.ofSeconds(30)).until(() -> showcase.server().reflectionCalls() > 0);
        awaitReflected();
    }

    /** Reflection is asked at startup, on its own thread: the methods appear when it has answered. */
    static void awaitReflected() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/bridge/methods").then()
                .body("methods.name", org.hamcrest.Matchers.hasItem("showcase.Showcase/Echo")));
    }
}
