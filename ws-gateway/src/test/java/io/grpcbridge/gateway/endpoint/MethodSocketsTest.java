package io.grpcbridge.gateway.endpoint;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;

import io.grpcbridge.gateway.fakes.FakeBackends;
import io.grpcbridge.showcase.Everything;
import io.grpcbridge.showcase.Nested;
import io.grpcbridge.testing.ShowcaseMessages;
import io.grpcbridge.testing.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Method sockets (docs/protocol.md) on a second service with its own .proto, its descriptors from a
 * descriptor set file as {@code protoc --include_imports} writes it: every method kind, the JSON
 * mapping compared with protobuf's own ({@link JsonFormat}) for the same message, headers, trailers,
 * the status frame that always ends a call, and frames that are refused without ending it.
 */
@QuarkusTest
@FakeBackends
public class MethodSocketsTest {

    public static final JsonFormat.Printer PROTOBUF_JSON = JsonFormat.printer()
            .usingTypeRegistry(TypeRegistry.newBuilder().add(Nested.getDescriptor()).build())
            .omittingInsignificantWhitespace()
            .alwaysPrintFieldsWithNoPresence();

    @TestHTTPResource("/")
    URI root;

    @Test
    void unaryAnswersTheMessageInProtobufsJsonMappingWithHeadersAndTrailersThenStatusOk() throws Exception {
        Everything everything = ShowcaseMessages.everything();
        String json = PROTOBUF_JSON.print(everything);
        TestSocket socket = open("showcase.Showcase/Echo");

        socket.send("{\"message\":" + json + "}");

        assertThat(json(socket.next())).isEqualTo(json("{\"headers\":{\"x-showcase-kind\":\"unary\"}}"));
        assertThat(json(socket.next())).isEqualTo(json("{\"message\":" + json + "}"));
        assertThat(json(socket.next())).isEqualTo(json(
                "{\"status\":{\"code\":\"OK\",\"message\":\"\",\"trailers\":{\"x-showcase-trailer\":\"done\"}}}"));
        assertThat(socket.awaitClose().code()).isEqualTo(1000);
    }

    @Test
    void protoFieldNamesAndOmittedFieldsAreAcceptedAsProtobufsParserDoes() throws Exception {
        TestSocket socket = open("showcase.Showcase/Echo");

        socket.send("{\"message\":{\"snake_case_field\":\"s\",\"int64Value\":\"-9223372036854775808\",\"mood\":\"HAPPY\"}}");

        socket.next(); // headers
        Everything expected = Everything.newBuilder().setSnakeCaseField("s").setInt64Value(Long.MIN_VALUE)
                .setMood(io.grpcbridge.showcase.Mood.HAPPY).build();
        assertThat(json(socket.next())).isEqualTo(json("{\"message\":" + PROTOBUF_JSON.print(expected) + "}"));
    }

    @Test
    void serverStreamingTakesOneMessageAndAnswersEveryTickThenStatusOk() throws Exception {
        TestSocket socket = open("showcase.Showcase/Count");

        socket.send("{\"message\":{\"count\":5}}");

        assertThat(socket.next()).isEqualTo("{\"headers\":{\"x-showcase-kind\":\"server_streaming\"}}");
        for (int i = 0; i < 5; i++) {
            assertThat(socket.next()).isEqualTo("{\"message\":{\"index\":\"" + i + "\",\"padding\":\"\"}}");
        }
        assertThat(json(socket.next()).getAsJsonObject().getAsJsonObject("status").get("code").getAsString()).isEqualTo("OK");
        assertThat(socket.awaitClose().code()).isEqualTo(1000);
    }

    @Test
    void clientStreamingTakesMessagesUntilEndThenAnswersOnce() throws Exception {
        TestSocket socket = open("showcase.Showcase/Sum");

        IntStream.rangeClosed(1, 100).forEach(i -> socket.send("{\"message\":{\"value\":\"" + i + "\"}}"));
        socket.send("{\"end\":true}");

        assertThat(socket.next()).isEqualTo("{\"headers\":{\"x-showcase-kind\":\"client_streaming\"}}");
        assertThat(socket.next()).isEqualTo("{\"message\":{\"sum\":\"5050\",\"count\":\"100\",\"ascending\":true}}");
        assertThat(json(socket.next()).getAsJsonObject().getAsJsonObject("status").get("code").getAsString()).isEqualTo("OK");
        assertThat(socket.awaitClose().code()).isEqualTo(1000);
    }

    @Test
    void bidirectionalAnswersEachMessageThenEndsOkAfterEnd() throws Exception {
        TestSocket socket = open("showcase.Showcase/Converse");

        socket.send("{\"message\":{\"text\":\"hello\"}}");
        assertThat(socket.next(2)).containsExactly("{\"headers\":{\"x-showcase-kind\":\"bidi_streaming\"}}",
                "{\"message\":{\"text\":\"HELLO\"}}");
        socket.send("{\"message\":{\"text\":\"again\"}}", "{\"end\":true}");

        assertThat(socket.next()).isEqualTo("{\"message\":{\"text\":\"AGAIN\"}}");
        assertThat(json(socket.next()).getAsJsonObject().getAsJsonObject("status").get("code").getAsString()).isEqualTo("OK");
        assertThat(socket.awaitClose().code()).isEqualTo(1000);
    }

    @Test
    void aFailedCallEndsWithItsStatusAndTrailersThen1000() throws Exception {
        TestSocket socket = open("showcase.Showcase/Echo");

        socket.send("{\"message\":{\"failWith\":\"NOT_FOUND\"}}");

        assertThat(json(socket.next())).isEqualTo(json(
                "{\"status\":{\"code\":\"NOT_FOUND\",\"message\":\"asked to fail\",\"trailers\":{\"x-showcase-trailer\":\"failed\"}}}"));
        TestSocket.Closed closed = socket.awaitClose();
        assertThat(closed.code()).isEqualTo(1000);
        assertThat(closed.reason()).isEqualTo("call ended: NOT_FOUND");
    }

    @Test
    void aBackendsOwnUnavailableKeepsItsMessageThen1013() throws Exception {
        TestSocket socket = open("showcase.Showcase/Echo");

        socket.send("{\"message\":{\"failWith\":\"UNAVAILABLE\"}}");

        assertThat(json(socket.next())).isEqualTo(json(
                "{\"status\":{\"code\":\"UNAVAILABLE\",\"message\":\"asked to fail\",\"trailers\":{\"x-showcase-trailer\":\"failed\"}}}"));
        assertThat(socket.awaitClose()).isEqualTo(new TestSocket.Closed(1013, "asked to fail"));
    }

    @Test
    void aBadMessageGetsAnErrorNamingTheFieldAndTheCallGoesOn() throws Exception {
        TestSocket socket = open("showcase.Showcase/Converse");

        socket.send("{\"message\":{\"nope\":1}}", "{\"message\":{\"text\":{}}}", "{\"message\":\"text\"}",
                "{\"text\":\"no envelope\"}", "{\"end\":false}", "not json");

        List<String> errors = new ArrayList<>();
        while (errors.size() < 6) {
            // The service sends its headers when the call starts: they may come before, between or after.
            String frame = socket.next();
            if (!frame.startsWith("{\"headers\":")) {
                JsonObject error = json(frame).getAsJsonObject().getAsJsonObject("error");
                assertThat(error.get("code").getAsString()).isEqualTo("INVALID_ARGUMENT");
                errors.add(error.get("message").getAsString());
            }
        }
        assertThat(errors.get(0)).contains("\"nope\"");
        assertThat(errors.get(1)).startsWith("\"text\": ");
        assertThat(errors.get(2)).contains("\"message\" must be a JSON object (a showcase.Line)");
        assertThat(errors.get(3)).contains("unknown member \"text\"");
        assertThat(errors.get(4)).isEqualTo("\"end\" must be true");
        assertThat(errors.get(5)).startsWith("not valid JSON");

        socket.send("{\"message\":{\"text\":\"still here\"}}");
        String answer = socket.next();
        assertThat(answer.startsWith("{\"headers\":") ? socket.next() : answer).isEqualTo("{\"message\":{\"text\":\"STILL HERE\"}}");
    }

    @Test
    void aBadValueDeepInAMessageIsNamedByItsPath() throws Exception {
        TestSocket socket = open("showcase.Showcase/Echo");

        socket.send("{\"message\":{\"repeatedNested\":[{\"name\":\"a\"},{\"big\":\"not a number\"}]}}",
                "{\"message\":{\"nested\":{\"big\":[]}}}", "{\"message\":{\"timestamp\":\"yesterday\"}}");

        assertThat(errorMessage(socket.next())).startsWith("\"repeatedNested[1].big\": ");
        assertThat(errorMessage(socket.next())).startsWith("\"nested.big\": ");
        assertThat(errorMessage(socket.next())).startsWith("\"timestamp\": ");
    }

    @Test
    void unaryAndServerStreamingTakeExactlyOneMessage() throws Exception {
        TestSocket socket = open("showcase.Showcase/Count");

        socket.send("{\"end\":true}");
        assertThat(errorMessage(socket.next()))
                .isEqualTo("showcase.Showcase/Count takes exactly one message: send it before {\"end\":true}");
        // A thousand ticks keep the call running while the second message and the end arrive.
        socket.send("{\"message\":{\"count\":1000}}", "{\"message\":{\"count\":2}}", "{\"end\":true}");

        List<String> frames = new ArrayList<>();
        TestSocket.Closed closed = socket.drain(frames);
        assertThat(frames).filteredOn(frame -> frame.startsWith("{\"message\":")).hasSize(1000);
        assertThat(frames).filteredOn(frame -> frame.startsWith("{\"error\":")).singleElement()
                .satisfies(frame -> assertThat(errorMessage(frame))
                        .isEqualTo("showcase.Showcase/Count takes exactly one message: this one was not sent"));
        assertThat(frames.get(frames.size() - 1)).contains("\"code\":\"OK\"");
        assertThat(closed.code()).isEqualTo(1000);
    }

    @Test
    void theChatMethodIsAMethodSocketToo() throws Exception {
        TestSocket socket = open("chat.Chat/BidStream");

        socket.send("{\"message\":{\"input\":\"hi\"}}");

        assertThat(socket.next()).startsWith("{\"headers\":");
        assertThat(socket.next()).isEqualTo("{\"message\":{\"output\":\"服务端返回: hi\"}}");
    }

    @Test
    void anUnknownOrUnexposedMethodIsRefusedAt404WithItsReason() {
        given().get("/ws/showcase.Showcase/Nope").then().statusCode(404)
                .body(containsString("service showcase.Showcase has no method Nope"));
        given().get("/ws/grpc.health.v1.Health/Check").then().statusCode(404)
                .body(containsString("no backend exposes grpc.health.v1.Health/Check"));
        assertThat(TestSocket.handshakeStatus(() -> TestSocket.connect(root.resolve("/ws/showcase.Showcase/Nope"))))
                .isEqualTo(404);
        assertThat(TestSocket.handshakeStatus(() -> TestSocket.connect(root.resolve("/ws/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"))))
                .isEqualTo(404);
    }

    @Test
    void theExposedMethodsAreListedWithTheirKindAndARequestTemplate() {
        given().get("/bridge/methods").then().statusCode(200)
                .body("methods.name", org.hamcrest.Matchers.contains("chat.Chat/BidStream", "showcase.Showcase/Converse",
                        "showcase.Showcase/Count", "showcase.Showcase/Echo", "showcase.Showcase/Sum"))
                .body("methods.kind", org.hamcrest.Matchers.contains("BIDI_STREAMING", "BIDI_STREAMING", "SERVER_STREAMING",
                        "UNARY", "CLIENT_STREAMING"))
                .body("methods[2].requestTemplate.count", org.hamcrest.Matchers.equalTo(0))
                .body("methods[3].requestTemplate.timestamp", org.hamcrest.Matchers.equalTo("1970-01-01T00:00:00Z"))
                .body("methods[3].requestTemplate.customJsonName", org.hamcrest.Matchers.equalTo(""));
    }

    @Test
    void aRequestTemplateIsAValidRequestAsItIs() throws Exception {
        JsonObject methods = json(given().get("/bridge/methods").then().extract().asString()).getAsJsonObject();
        JsonObject template = null;
        for (JsonElement method : methods.getAsJsonArray("methods")) {
            if (method.getAsJsonObject().get("name").getAsString().equals("showcase.Showcase/Echo")) {
                template = method.getAsJsonObject().getAsJsonObject("requestTemplate");
            }
        }
        assertThat(template).isNotNull();
        TestSocket socket = open("showcase.Showcase/Echo");

        socket.send("{\"message\":" + template + "}");

        assertThat(socket.next()).startsWith("{\"headers\":");
        assertThat(socket.next()).startsWith("{\"message\":");
        assertThat(socket.next()).contains("\"code\":\"OK\"");
    }

    private TestSocket open(String method) {
        return TestSocket.connect(root.resolve("/ws/" + method));
    }

    public static JsonElement json(String text) {
        return JsonParser.parseString(text);
    }

    static String errorMessage(String frame) {
        return json(frame).getAsJsonObject().getAsJsonObject("error").get("message").getAsString();
    }
}
