package io.grpcbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.google.protobuf.BoolValue;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueOptions;

import io.grpcbridge.chat.api.Request;

/**
 * Frames to requests: a request of plain string and boolean fields is built from the frame as parsed
 * once; any other request goes through protobuf's JSON parser, which knows every field type's forms.
 */
class FrameCodecTest {

    @Test
    void shouldDecodeAStringFieldWithItsEscapesFromTheParsedFrame() {
        FrameCodec<Request> codec = new FrameCodec<>(Request.getDefaultInstance());

        assertThat(codec.decode("{\"input\":\"a\\\"b\\u00e9\\n😀 你好\"}"))
                .isEqualTo(new FrameCodec.Input<>(Request.newBuilder().setInput("a\"b\u00e9\n😀 你好").build()));
    }

    @Test
    void shouldDecodeABooleanFieldFromTheParsedFrame() {
        FrameCodec<BoolValue> codec = new FrameCodec<>(BoolValue.getDefaultInstance());

        assertThat(codec.decode("{\"value\":true}")).isEqualTo(new FrameCodec.Input<>(BoolValue.of(true)));
    }

    @Test
    void shouldLeaveOtherFieldTypesToProtobufsParser() {
        FrameCodec<EnumValueDescriptorProto> codec = new FrameCodec<>(EnumValueDescriptorProto.getDefaultInstance());

        assertThat(codec.decode("{\"name\":\"A\",\"number\":3,\"options\":{}}")).isEqualTo(new FrameCodec.Input<>(
                EnumValueDescriptorProto.newBuilder().setName("A").setNumber(3)
                        .setOptions(EnumValueOptions.getDefaultInstance()).build()));
    }
}
