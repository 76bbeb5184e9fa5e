package io.grpcbridge.gateway.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The acks read without a JSON parser are read exactly as the parser reads them, and nothing else is. */
class SessionFramesTest {

    @Test
    void aPlainAckIsReadAsTheParserReadsIt() {
        for (String text : List.of("{\"call\":1,\"ack\":1}", "{\"call\":12,\"ack\":345}",
                "{\"call\":2147483647,\"ack\":2147483647}")) {
            assertThat(SessionFrames.plainAck(text)).as(text).isNotNull().isEqualTo(SessionFrames.parsed(text));
        }
    }

    @Test
    void anythingElseIsLeftToTheParser() {
        for (String text : List.of("{\"call\":0,\"ack\":1}", "{\"call\":1,\"ack\":0}", "{\"call\":01,\"ack\":1}",
                "{\"call\":2147483648,\"ack\":1}", "{\"call\":1,\"ack\":99999999999}", "{\"call\":1,\"ack\":-1}",
                "{\"call\":1,\"ack\":1.0}", "{\"call\":1,\"ack\":1e2}", "{\"call\": 1,\"ack\":1}", "{\"call\":1,\"ack\":}",
                "{\"call\":,\"ack\":1}", "{\"call\":1,\"ack\":1,\"x\":2}", "{\"call\":1,\"ack\":\"1\"}",
                "{\"call\":1,\"ack\":1}}", "{\"call\":1,\"seq\":1,\"credit\":2}", "{\"call\":1}")) {
            assertThat(SessionFrames.plainAck(text)).as(text).isNull();
        }
        assertThat(SessionFrames.decode("{\"call\":1,\"ack\":0}")).isInstanceOf(SessionFrames.Bad.class);
        assertThat(SessionFrames.decode("{\"call\": 1, \"ack\": 7}")).isEqualTo(new SessionFrames.Ack(1, 7));
    }
}
