package io.grpcbridge.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpcbridge.bench.SessionProtocol.CallFrame;
import io.grpcbridge.bench.SessionProtocol.Kind;
import io.grpcbridge.bench.SessionProtocol.Opened;
import io.grpcbridge.bench.SessionProtocol.Other;
import org.junit.jupiter.api.Test;

class SessionProtocolTest {

    private static final Protocol.Output REPLY = new Protocol.Output("服务端返回: m-0-1-1");

    @Test
    void theClientsFramesAreTheProtocolsShapes() {
        assertEquals("{\"call\":3,\"open\":\"chat.Chat/BidStream\",\"credit\":32}", SessionProtocol.open(3, 32));
        assertEquals("{\"call\":3,\"seq\":1,\"message\":{\"input\":\"m-0-3-1\"}}",
                SessionProtocol.message(3, 1, Protocol.input("m-0-3-1")));
        assertEquals("{\"call\":3,\"seq\":2,\"credit\":16}", SessionProtocol.credit(3, 2, 16));
        assertEquals("{\"call\":3,\"ack\":7}", SessionProtocol.ack(3, 7));
    }

    @Test
    void responsesAndCreditInTheGatewaysOwnShape() {
        assertEquals(CallFrame.message(1, 3, REPLY),
                SessionProtocol.parse("{\"call\":1,\"seq\":3,\"message\":{\"output\":\"服务端返回: m-0-1-1\"}}"));
        assertEquals(CallFrame.message(1, 4, REPLY),
                SessionProtocol.parse("{\"call\":1,\"seq\":4,\"ack\":2,\"message\":{\"output\":\"服务端返回: m-0-1-1\"}}"));
        assertEquals(CallFrame.credit(12, 1, 8), SessionProtocol.parse("{\"call\":12,\"seq\":1,\"credit\":8}"));
        assertEquals(CallFrame.credit(12, 5, 4), SessionProtocol.parse("{\"call\":12,\"seq\":5,\"ack\":9,\"credit\":4}"));
    }

    @Test
    void otherFormattingsOfTheSameFramesReadTheSame() {
        assertEquals(CallFrame.message(1, 3, REPLY),
                SessionProtocol.parse("{\"message\":{\"output\":\"服务端返回: m-0-1-1\"},\"seq\":3,\"call\":1}"));
        assertEquals(CallFrame.message(1, 3, new Protocol.Output("a\"b")),
                SessionProtocol.parse("{\"call\":1,\"seq\":3,\"message\":{\"output\":\"a\\\"b\"}}"));
        assertEquals(CallFrame.credit(2, 1, 8), SessionProtocol.parse(" { \"call\" : 2 , \"seq\" : 1 , \"credit\" : 8 } "));
    }

    @Test
    void headersStatusAndErrorsOfACall() {
        assertEquals(CallFrame.headers(1, 2), SessionProtocol.parse("{\"call\":1,\"seq\":2,\"ack\":2,\"headers\":{}}"));
        assertEquals(CallFrame.ended(1, 9, Kind.STATUS, "OK"),
                SessionProtocol.parse("{\"call\":1,\"seq\":9,\"ack\":3,\"status\":{\"code\":\"OK\",\"message\":\"\",\"trailers\":{}}}"));
        assertEquals(CallFrame.ended(4, 1, Kind.STATUS, "RESOURCE_EXHAUSTED"),
                SessionProtocol.parse("{\"call\":4,\"seq\":1,\"status\":{\"code\":\"RESOURCE_EXHAUSTED\",\"message\":\"m\",\"trailers\":{}}}"));
        assertEquals(CallFrame.ended(1, 5, Kind.ERROR, "INVALID_ARGUMENT"),
                SessionProtocol.parse("{\"call\":1,\"seq\":5,\"error\":{\"code\":\"INVALID_ARGUMENT\",\"message\":\"bad\"}}"));
    }

    @Test
    void theSessionsOwnFrames() {
        assertEquals(new Opened(), SessionProtocol.parse("{\"session\":{\"token\":\"t\",\"gateway\":\"g\",\"resumeWindowMs\":30000,"
                + "\"maxCalls\":100,\"requestCredit\":8}}"));
        assertEquals(new SessionProtocol.Error("INVALID_ARGUMENT", "bad"),
                SessionProtocol.parse("{\"error\":{\"code\":\"INVALID_ARGUMENT\",\"message\":\"bad\"}}"));
    }

    @Test
    void anythingElseIsOther() {
        for (String frame : new String[] {
                "{\"call\":1,\"seq\":3,\"message\":{\"output\":\"x\"},\"more\":1}",
                "{\"call\":1,\"seq\":3,\"message\":{\"output\":\"x\"}",
                "{\"call\":1,\"seq\":3,\"message\":",
                "{\"call\":1,\"seq\":3,\"credit\":8,\"status\":{\"code\":\"OK\"}}",
                "{\"call\":1,\"message\":{\"output\":\"x\"}}",
                "{\"call\":0,\"seq\":1,\"credit\":8}",
                "{\"call\":1,\"seq\":1,\"credit\":0}",
                "{\"call\":1,\"seq\":1,\"credit\":\"8\"}",
                "{\"call\":\"1\",\"seq\":1,\"credit\":8}",
                "{\"call\":1,\"seq\":1,\"ack\":0,\"credit\":8}",
                "{\"call\":1,\"seq\":1,\"cancel\":true}",
                "{\"call\":1,\"seq\":1,\"status\":{}}",
                "{\"output\":\"服务端返回: m-0-1\"}",
                "[1]",
                "{"}) {
            assertEquals(new Other(frame), SessionProtocol.parse(frame), frame);
        }
        assertEquals(CallFrame.message(1, 3, new Protocol.Other("{\"output\":1}")),
                SessionProtocol.parse("{\"call\":1,\"seq\":3,\"message\":{\"output\":1}}"));
    }

    @Test
    void aSessionsUrlSpeaksItsFramesAroundTheBareChatMessages() {
        assertEquals(Protocol.Framing.SESSION, Protocol.Framing.of("/session"));
        assertEquals("{\"input\":\"m-1-2\"}", Protocol.Framing.SESSION.input("m-1-2"));
        assertEquals(false, Protocol.Framing.SESSION.echoes());
    }
}
