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
}
