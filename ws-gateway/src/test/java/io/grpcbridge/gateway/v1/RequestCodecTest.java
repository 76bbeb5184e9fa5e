package io.grpcbridge.gateway.v1;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.google.protobuf.BoolValue;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueOptions;

import io.grpcbridge.chat.api.Request;
import io.grpcbridge.gateway.socket.ClientFrame;

/**
 * Frames to requests: a request of plain string and boolean fields is built from the frame as parsed
 * once; any other request goes through protobuf's JSON parser, which knows every field type's forms.
 */
class RequestCodecTest {

    @Test
    void shouldDecodeAStringFieldWithItsEscapesFromTheParsedFrame() {
        RequestCodec codec = new RequestCodec(Request.getDefaultInstance());

        assertThat(codec.decode("{\"input\":\"a\\\"b\\u00e9\\n😀 你好\"}"))
                .isEqualTo(new ClientFrame.Input(Request.newBuilder().setInput("a\"b\u00e9\n😀 你好").build()));
    }

    @Test
    void shouldDecodeABooleanFieldFromTheParsedFrame() {
        RequestCodec codec = new RequestCodec(BoolValue.getDefaultInstance());

        assertThat(codec.decode("{\"value\":true}")).isEqualTo(new ClientFrame.Input(BoolValue.of(true)));
    }

    @Test
    void shouldLeaveOtherFieldTypesToProtobufsParser() {
        RequestCodec codec = new RequestCodec(EnumValueDescriptorProto.getDefaultInstance());

        assertThat(codec.decode("{\"name\":\"A\",\"number\":3,\"options\":{}}")).isEqualTo(new ClientFrame.Input(
                EnumValueDescriptorProto.newBuilder().setName("A").setNumber(3)
                        .setOptions(EnumValueOptions.getDefaultInstance()).build()));
    }
}
