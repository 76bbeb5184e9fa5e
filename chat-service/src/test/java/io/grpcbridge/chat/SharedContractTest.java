package io.grpcbridge.chat;

import java.net.URISyntaxException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.grpcbridge.chat.api.ChatGrpc;
import io.grpcbridge.chat.api.ChatProto;
import io.grpcbridge.chat.api.Request;
import io.grpcbridge.chat.api.Response;
import io.grpcbridge.testing.ChatContract;

/**
 * chat-service serves chat-core's stubs, from the artifact that holds its logic, never stubs of its
 * own; ws-gateway's SharedContractTest holds the gateway to the same artifact.
 */
class SharedContractTest {

    @ParameterizedTest
    @ValueSource(classes = { ChatGrpc.class, ChatGrpc.ChatImplBase.class, ChatProto.class, Request.class, Response.class })
    void shouldServeTheStubsOfChatCore(Class<?> stub) throws URISyntaxException {
        ChatContract.assertFromChatCore(stub);
    }

    @Test
    void shouldGenerateNoStubsOfItsOwn() {
        ChatContract.assertNoStubsCompiledHere();
    }
}
