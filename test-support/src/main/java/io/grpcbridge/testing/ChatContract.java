package io.grpcbridge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import io.grpcbridge.chat.core.ChatService;

/**
 * Checks that a module uses the one contract: the stubs chat-core generates from its .proto, loaded
 * from the artifact that holds chat-core's logic ({@link ChatService}), and none of its own.
 */
public final class ChatContract {

    private ChatContract() {
    }

    /** Fails unless {@code stub} was loaded from chat-core's classes folder or jar. */
    public static void assertFromChatCore(Class<?> stub) throws URISyntaxException {
        Path chatCore = origin(ChatService.class);

        assertThat(chatCore).satisfiesAnyOf(
                location -> assertThat(location).endsWith(Path.of("chat-core", "target", "classes")),
                location -> assertThat(location.getFileName().toString()).matches("chat-core-.+\\.jar"));
        assertThat(origin(stub)).as("where %s was loaded from", stub.getName()).isEqualTo(chatCore);
    }

    /** Fails when the module under test (the working directory) compiled stubs of its own. */
    public static void assertNoStubsCompiledHere() {
        for (String output : List.of("target/classes", "target/test-classes")) {
            assertThat(Path.of(output, "io", "grpcbridge", "chat", "api"))
                    .as("stubs compiled into " + Path.of("").toAbsolutePath().getFileName() + "'s " + output)
                    .doesNotExist();
        }
    }

    private static Path origin(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).normalize();
    }
}
