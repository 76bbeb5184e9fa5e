package io.grpcbridge.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.grpcbridge.chat.api.ChatGrpc;
import io.grpcbridge.chat.api.ChatProto;
import io.grpcbridge.chat.api.Request;
import io.grpcbridge.chat.api.Response;
import io.grpcbridge.chat.core.ChatService;

/**
 * chat-service serves chat-core's stubs, from the artifact that holds its logic ({@link ChatService}),
 * never stubs of its own; ws-gateway's SharedContractTest holds the gateway to the same artifact.
 */
class SharedContractTest {

    @ParameterizedTest
    @ValueSource(classes = { ChatGrpc.class, ChatGrpc.ChatImplBase.class, ChatProto.class, Request.class, Response.class })
    void shouldServeTheStubsOfChatCore(Class<?> stub) throws URISyntaxException {
        Path chatCore = origin(ChatService.class);

        assertThat(chatCore).satisfiesAnyOf(
                location -> assertThat(location).endsWith(Path.of("chat-core", "target", "classes")),
                location -> assertThat(location.getFileName().toString()).matches("chat-core-.+\\.jar"));
        assertThat(origin(stub)).as("where %s was loaded from", stub.getName()).isEqualTo(chatCore);
    }

    @Test
    void shouldImplementChatCoresServiceBase() {
        assertThat(FlowControlledChat.class.getSuperclass()).isSameAs(ChatGrpc.ChatImplBase.class);
    }

    @Test
    void shouldGenerateNoStubsOfItsOwn() {
        for (String output : List.of("target/classes", "target/test-classes")) {
            assertThat(Path.of(output, "io", "grpcbridge", "chat", "api")).as("stubs compiled into chat-service's " + output)
                    .doesNotExist();
        }
    }

    private static Path origin(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).normalize();
    }
}
