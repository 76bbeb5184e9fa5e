package io.grpcbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.grpcbridge.chat.api.ChatGrpc;
import io.grpcbridge.chat.api.ChatProto;
import io.grpcbridge.chat.api.MutinyChatGrpc;
import io.grpcbridge.chat.api.Request;
import io.grpcbridge.chat.api.Response;
import io.grpcbridge.chat.core.ChatService;
import io.grpcbridge.testing.ChatContract;

/**
 * The gateway's stubs are chat-core's classes: the artifact that holds {@link ChatService}, the
 * logic chat-service serves (chat-service's own SharedContractTest checks its side), generated once
 * from chat-core's .proto. Stubs generated from a copy of the .proto, in this module or elsewhere,
 * come from another class path entry and fail this test.
 */
class SharedContractTest {

    @Test
    void shouldCallTheMethodChatServiceServes() {
        assertThat(ChatGrpc.getBidStreamMethod().getFullMethodName()).isEqualTo("chat.Chat/BidStream");
    }

    @ParameterizedTest
    @ValueSource(classes = { ChatGrpc.class, MutinyChatGrpc.class, ChatProto.class, Request.class, Response.class })
    void shouldUseTheStubsOfChatCore(Class<?> stub) throws URISyntaxException {
        ChatContract.assertFromChatCore(stub);
    }

    @Test
    void shouldGenerateNoStubsOfItsOwn() {
        ChatContract.assertNoStubsCompiledHere();
    }

    @Test
    void shouldHaveNoProtoButTheContractInChatCoreAndTheTestServiceInTestSupport() throws IOException {
        Path repository = Path.of("..").toAbsolutePath().normalize();
        List<Path> protos = new ArrayList<>();
        Files.walkFileTree(repository, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
                String name = directory.getFileName().toString();
                return name.equals("target") || name.equals(".git") || name.equals("node_modules")
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (file.getFileName().toString().endsWith(".proto")) {
                    protos.add(repository.relativize(file));
                }
                return FileVisitResult.CONTINUE;
            }
        });

        // test-support's showcase.proto is the second service the gateway's tests bridge, not a contract of the pair.
        assertThat(protos).containsExactlyInAnyOrder(Path.of("chat-core", "src", "main", "proto", "chat.proto"),
                Path.of("test-support", "src", "main", "proto", "showcase.proto"));
    }
}
