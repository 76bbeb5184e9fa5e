package io.grpcbridge.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpcbridge.bench.Protocol.Echo;
import io.grpcbridge.bench.Protocol.Error;
import io.grpcbridge.bench.Protocol.Other;
import io.grpcbridge.bench.Protocol.Output;
import org.junit.jupiter.api.Test;

class ProtocolTest {

    @Test
    void inputFramesAreJsonEscaped() {
        assertEquals("{\"input\":\"m-1-2\"}", Protocol.input("m-1-2"));
        assertEquals("{\"input\":\"a\\\"b\\\\c\\u000a\"}", Protocol.input("a\"b\\c\n"));
    }

    @Test
    void theGatewaysOwnShapeIsReadWithoutJackson() {
        assertEquals(new Output("服务端返回: m-1-2"), Protocol.parse("{\"output\":\"服务端返回: m-1-2\"}"));
        assertEquals(new Echo("返回数据流"), Protocol.parse("{\"input\":\"返回数据流\"}"));
    }

    @Test
    void otherFormattingsOfTheSameJsonReadTheSame() {
        assertEquals(new Output("a\"b"), Protocol.parse("{\"output\":\"a\\\"b\"}"));
        assertEquals(new Output("x"), Protocol.parse(" { \"output\" : \"x\" } "));
        assertEquals(new Echo("é"), Protocol.parse("{\"input\":\"\\u00e9\"}"));
    }

    @Test
    void errorFramesAndEverythingElse() {
        assertEquals(new Error("INVALID_ARGUMENT", "bad"),
                Protocol.parse("{\"error\":{\"code\":\"INVALID_ARGUMENT\",\"message\":\"bad\"}}"));
        assertEquals(new Other("{\"output\":1}"), Protocol.parse("{\"output\":1}"));
        assertEquals(new Other("{\"output\":\"x\",\"more\":1}"), Protocol.parse("{\"output\":\"x\",\"more\":1}"));
        assertEquals(new Other("[1]"), Protocol.parse("[1]"));
        assertEquals(new Other("{"), Protocol.parse("{"));
    }

    @Test
    void methodSocketsWrapTheSameFieldsInAnEnvelope() {
        assertEquals(Protocol.Framing.ENVELOPE, Protocol.Framing.of("/ws/chat.Chat/BidStream"));
        assertEquals(Protocol.Framing.V1, Protocol.Framing.of("/ws"));
        assertEquals("{\"message\":{\"input\":\"m-1-2\"}}", Protocol.Framing.ENVELOPE.input("m-1-2"));
        assertEquals(new Output("服务端返回: m-1-2"),
                Protocol.Framing.ENVELOPE.parse("{\"message\":{\"output\":\"服务端返回: m-1-2\"}}"));
        assertEquals(new Protocol.CallFrame("{\"headers\":{}}"), Protocol.Framing.ENVELOPE.parse("{\"headers\":{}}"));
        assertEquals(new Other("{\"headers\":{}}"), Protocol.Framing.V1.parse("{\"headers\":{}}"));
        assertEquals(new Error("INVALID_ARGUMENT", "bad"),
                Protocol.Framing.ENVELOPE.parse("{\"error\":{\"code\":\"INVALID_ARGUMENT\",\"message\":\"bad\"}}"));
        assertEquals("{\"input\":\"m-1-2\"}", Protocol.Framing.V1.input("m-1-2"));
    }
}
