package io.grpcbridge.testing;

import java.util.List;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.DoubleValue;
import com.google.protobuf.Empty;
import com.google.protobuf.FieldMask;
import com.google.protobuf.FloatValue;
import com.google.protobuf.Int32Value;
import com.google.protobuf.Int64Value;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.StringValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import com.google.protobuf.Value;

import io.grpcbridge.showcase.Everything;
import io.grpcbridge.showcase.Mood;
import io.grpcbridge.showcase.Nested;

/** Messages of the showcase service for tests. */
public final class ShowcaseMessages {

    private ShowcaseMessages() {
    }

    /**
     * An {@code Everything} with every field set but {@code fail_with} and the other member of its
     * oneof, each to a value its JSON mapping has something to say about (extremes of 64-bit and
     * unsigned integers, negative durations, nulls in a Struct, an Any of another message type).
     */
    public static Everything everything() {
        Nested nested = Nested.newBuilder().setName("nested").setBig(Long.MAX_VALUE).build();
        return Everything.newBuilder()
                .setInt32Value(Integer.MIN_VALUE)
                .setInt64Value(Long.MIN_VALUE)
                .setUint32Value(-1)
                .setUint64Value(-1L)
                .setSint32Value(-32)
                .setSint64Value(-64)
                .setFixed32Value(32)
                .setFixed64Value(64)
                .setSfixed32Value(-32)
                .setSfixed64Value(-64)
                .setFloatValue(1.5f)
                .setDoubleValue(-2.25)
                .setBoolValue(true)
                .setStringValue("ünïcødé 返回")
                .setBytesValue(ByteString.copyFrom(new byte[] { 0, (byte) 0xff, 0x7f }))
                .setMood(Mood.CALM)
                .setNested(nested)
                .addAllRepeatedInt64(List.of(1L, -2L, Long.MAX_VALUE))
                .addAllRepeatedString(List.of("a", ""))
                .addRepeatedNested(nested)
                .addRepeatedNested(Nested.getDefaultInstance())
                .addRepeatedMood(Mood.HAPPY)
                .putStringToInt32("one", 1)
                .putInt64ToNested(-7, nested)
                .putBoolToString(true, "yes")
                .setNestedChoice(nested)
                .setOptionalInt32(0)
                .setTimestamp(Timestamp.newBuilder().setSeconds(1_700_000_000).setNanos(123_000_000))
                .setDuration(com.google.protobuf.Duration.newBuilder().setSeconds(-3).setNanos(-500_000_000))
                .setStruct(Struct.newBuilder()
                        .putFields("text", Value.newBuilder().setStringValue("v").build())
                        .putFields("none", Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build()))
                .setValue(Value.newBuilder().setNumberValue(4.5))
                .setListValue(ListValue.newBuilder()
                        .addValues(Value.newBuilder().setBoolValue(false))
                        .addValues(Value.newBuilder().setStringValue("s")))
                .setDoubleWrapper(DoubleValue.of(0))
                .setFloatWrapper(FloatValue.of(-0.5f))
                .setInt64Wrapper(Int64Value.of(Long.MIN_VALUE))
                .setUint64Wrapper(UInt64Value.of(-1L))
                .setInt32Wrapper(Int32Value.of(0))
                .setUint32Wrapper(UInt32Value.of(7))
                .setBoolWrapper(BoolValue.of(false))
                .setStringWrapper(StringValue.of(""))
                .setBytesWrapper(BytesValue.of(ByteString.copyFromUtf8("bytes")))
                .setFieldMask(FieldMask.newBuilder().addPaths("nested.name").addPaths("snake_case_field"))
                .setAny(Any.pack(nested))
                .setEmpty(Empty.getDefaultInstance())
                .setSnakeCaseField("snake")
                .setRenamedField("renamed")
                .build();
    }
}
