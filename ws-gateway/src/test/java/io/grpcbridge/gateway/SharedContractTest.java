package io.grpcbridge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.grpcbridge.chat.api.ChatGrpc;

/** The gateway's stubs are generated from chat-service's .proto, not from a copy. */
class SharedContractTest {

    @Test
    void shouldCallTheMethodChatServiceServes() {
        assertEquals("chat.Chat/BidStream", ChatGrpc.getBidStreamMethod().getFullMethodName());
    }
}
