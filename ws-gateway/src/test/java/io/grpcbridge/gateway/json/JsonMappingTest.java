package io.grpcbridge.gateway.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.google.gson.JsonObject;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;

import io.grpcbridge.gateway.backend.DescriptorSets;
import io.grpcbridge.testing.ShowcaseDescriptors;

/**
 * The gateway's JSON mapping held to the proto3 JSON spec, case by case, on test-support's
 * {@code showcase.Everything} (every scalar type, enum, nested and repeated messages, maps, oneof,
 * every well-known type, {@code Any}). Where a case is one of protobuf's own conformance tests for
 * the JSON mapping (conformance/binary_json_conformance_suite.cc, on {@code TestAllTypesProto3}),
 * it carries that test's name; docs/protocol.md lists the outcome.
 * <p>
 * A frame is parsed as the gateway parses it ({@link StrictJson#parseObject}, then
 * {@link MessageJson}); a valid one must map to a message whose JSON shows the value, an invalid one
 * must be refused with the path of the field at fault.
 */
class JsonMappingTest {

    private static final MessageJson JSON = new MessageJson(DescriptorSets.link(ShowcaseDescriptors.descriptorSet().getFileList()));
    private static final Descriptor EVERYTHING = DescriptorSets.link(ShowcaseDescriptors.descriptorSet().getFileList()).stream()
            .map(file -> file.findMessageTypeByName("Everything")).filter(type -> type != null).findFirst().orElseThrow();

    static Stream<Arguments> valid() {
        return Stream.of(
                // name, JSON in, what its JSON out must contain
                valid("HelloWorld", "{\"stringValue\":\"Hello, World!\"}", "\"stringValue\":\"Hello, World!\""),
                valid("OriginalProtoFieldName", "{\"string_value\":\"x\",\"int32_value\":1}", "\"stringValue\":\"x\""),
                valid("FieldNameEscaped", "{\"stringVal\\u0075e\":\"x\"}", "\"stringValue\":\"x\""),
                valid("Int32FieldMaxValue", "{\"int32Value\":2147483647}", "\"int32Value\":2147483647"),
                valid("Int32FieldMinValue", "{\"int32Value\":-2147483648}", "\"int32Value\":-2147483648"),
                valid("Int32FieldStringValue", "{\"int32Value\":\"2147483647\"}", "\"int32Value\":2147483647"),
                valid("Int32FieldExponentialFormat", "{\"int32Value\":1e5}", "\"int32Value\":100000"),
                valid("Int32FieldFloatTrailingZero", "{\"int32Value\":100000.000}", "\"int32Value\":100000"),
                valid("Int64FieldMaxValue", "{\"int64Value\":\"9223372036854775807\"}", "\"int64Value\":\"9223372036854775807\""),
                valid("Int64FieldMaxValueNotQuoted", "{\"int64Value\":9223372036854775807}", "\"int64Value\":\"9223372036854775807\""),
                valid("Uint64FieldMaxValue", "{\"uint64Value\":\"18446744073709551615\"}", "\"uint64Value\":\"18446744073709551615\""),
                valid("FloatFieldNan", "{\"floatValue\":\"NaN\"}", "\"floatValue\":\"NaN\""),
                valid("FloatFieldInfinity", "{\"floatValue\":\"Infinity\"}", "\"floatValue\":\"Infinity\""),
                valid("DoubleFieldNegativeInfinity", "{\"doubleValue\":\"-Infinity\"}", "\"doubleValue\":\"-Infinity\""),
                valid("DoubleFieldMinPositiveValue", "{\"doubleValue\":2.22507e-308}", "\"doubleValue\":2.22507E-308"),
                valid("DoubleFieldExponent", "{\"doubleValue\":1.5e3}", "\"doubleValue\":1500.0"),
                valid("BoolFieldTrue", "{\"boolValue\":true}", "\"boolValue\":true"),
                valid("EnumField", "{\"mood\":\"CALM\"}", "\"mood\":\"CALM\""),
                valid("EnumFieldNumericValueZero", "{\"mood\":0}", "\"mood\":\"MOOD_UNSPECIFIED\""),
                valid("EnumFieldUnknownValue", "{\"mood\":123}", "\"mood\":123"),
                valid("StringFieldUnicodeEscape", "{\"stringValue\":\"\\u8C37\\u6B4C\"}", "\"stringValue\":\"谷歌\""),
                valid("BytesField", "{\"bytesValue\":\"AQI=\"}", "\"bytesValue\":\"AQI=\""),
                valid("BytesFieldBase64Url", "{\"bytesValue\":\"-_\"}", "\"bytesValue\":\"+w==\""),
                valid("RepeatedFieldEmpty", "{\"repeatedInt64\":[]}", "\"repeatedInt64\":[]"),
                valid("MapStringKey", "{\"stringToInt32\":{\"a\":1}}", "\"stringToInt32\":{\"a\":1}"),
                valid("MapInt64KeyAsString", "{\"int64ToNested\":{\"-5\":{\"name\":\"n\"}}}", "\"int64ToNested\":{\"-5\":{"),
                valid("OneofField", "{\"textChoice\":\"t\"}", "\"textChoice\":\"t\""),
                valid("OneofFieldNullSecond", "{\"textChoice\":\"t\",\"nestedChoice\":null}", "\"textChoice\":\"t\""),
                valid("OptionalZeroIsPresent", "{\"optionalInt32\":0}", "\"optionalInt32\":0"),
                valid("Int32Wrapper", "{\"int32Wrapper\":7}", "\"int32Wrapper\":7"),
                valid("WrapperNull", "{\"int32Wrapper\":null}", "\"doubleValue\":0.0"),
                valid("TimestampZ", "{\"timestamp\":\"1970-01-01T00:00:00Z\"}", "\"timestamp\":\"1970-01-01T00:00:00Z\""),
                valid("TimestampMinValue", "{\"timestamp\":\"0001-01-01T00:00:00Z\"}", "\"timestamp\":\"0001-01-01T00:00:00Z\""),
                valid("TimestampMaxValue", "{\"timestamp\":\"9999-12-31T23:59:59.999999999Z\"}",
                        "\"timestamp\":\"9999-12-31T23:59:59.999999999Z\""),
                valid("TimestampWithPositiveOffset", "{\"timestamp\":\"1970-01-01T08:00:01+08:00\"}",
                        "\"timestamp\":\"1970-01-01T00:00:01Z\""),
                valid("TimestampWithNegativeOffset", "{\"timestamp\":\"1969-12-31T16:00:01-08:00\"}",
                        "\"timestamp\":\"1970-01-01T00:00:01Z\""),
                valid("TimestampOneFractionalDigit", "{\"timestamp\":\"2026-12-07T18:00:00.5Z\"}",
                        "\"timestamp\":\"2026-12-07T18:00:00.500Z\""),
                valid("TimestampLeapDay", "{\"timestamp\":\"2024-02-29T00:00:00Z\"}", "\"timestamp\":\"2024-02-29T00:00:00Z\""),
                valid("DurationZero", "{\"duration\":\"0s\"}", "\"duration\":\"0s\""),
                valid("DurationNineFractionalDigits", "{\"duration\":\"1.000000001s\"}", "\"duration\":\"1.000000001s\""),
                valid("DurationMinValue", "{\"duration\":\"-315576000000s\"}", "\"duration\":\"-315576000000s\""),
                valid("DurationMaxValue", "{\"duration\":\"315576000000.999999999s\"}", "\"duration\":\"315576000000.999999999s\""),
                valid("FieldMask", "{\"fieldMask\":\"fooBar,baz.quxQuux\"}", "\"fieldMask\":\"fooBar,baz.quxQuux\""),
                valid("Struct", "{\"struct\":{\"a\":[1,\"b\",null,{\"c\":true}]}}", "\"struct\":{\"a\":[1.0,\"b\",null,{\"c\":true}]}"),
                valid("ValueNull", "{\"value\":null}", "\"value\":null"),
                valid("AnyTimestamp", "{\"any\":{\"@type\":\"type.googleapis.com/google.protobuf.Timestamp\","
                        + "\"value\":\"2026-12-07T18:00:00Z\"}}", "\"value\":\"2026-12-07T18:00:00Z\""),
                valid("AnyNested", "{\"any\":{\"@type\":\"type.googleapis.com/showcase.Nested\",\"name\":\"n\"}}",
                        "\"@type\":\"type.googleapis.com/showcase.Nested\""),
                valid("Empty", "{\"empty\":{}}", "\"empty\":{}"));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                // name, JSON in, the path the refusal names, and a piece of its reason
                invalid("Int32FieldTooLarge", "{\"int32Value\":2147483648}", "\"int32Value\"", ""),
                invalid("Int32FieldNotInteger", "{\"int32Value\":0.5}", "\"int32Value\"", ""),
                invalid("Int32FieldNotNumber", "{\"int32Value\":\"3x3\"}", "\"int32Value\"", ""),
                invalid("Uint32FieldNegative", "{\"uint32Value\":-1}", "\"uint32Value\"", ""),
                invalid("Int64FieldTooLarge", "{\"int64Value\":\"9223372036854775808\"}", "\"int64Value\"", ""),
                invalid("FloatFieldTooLarge", "{\"floatValue\":3.502e+38}", "\"floatValue\"", ""),
                invalid("DoubleFieldTooLarge", "{\"doubleValue\":1.89769e+308}", "\"doubleValue\"", ""),
                invalid("FloatFieldNanNotQuoted", "{\"floatValue\":\"nan\"}", "\"floatValue\"", ""),
                invalid("BoolFieldAllCapitalTrue", "{\"boolValue\":\"TRUE\"}", "\"boolValue\"", ""),
                invalid("EnumFieldUnknownName", "{\"mood\":\"GRUMPY\"}", "\"mood\"", ""),
                invalid("BytesFieldInvalidBase64Characters", "{\"bytesValue\":\"-><\"}", "\"bytesValue\"", ""),
                invalid("StringFieldNotAString", "{\"stringValue\":{}}", "\"stringValue\"", ""),
                invalid("UnknownField", "{\"nope\":1}", "unknown field \"nope\"", ""),
                invalid("FieldNameDuplicateDifferentCasing1", "{\"stringValue\":\"a\",\"string_value\":\"b\"}", "\"string_value\"",
                        "already given as \"stringValue\""),
                invalid("RepeatedFieldWrongElementTypeExpectingIntegersGotString", "{\"repeatedInt64\":[\"1\",\"x\"]}",
                        "\"repeatedInt64[1]\"", ""),
                invalid("RepeatedMessageWrongField", "{\"repeatedNested\":[{},{\"big\":\"x\"}]}", "\"repeatedNested[1].big\"", ""),
                invalid("MapValueWrongType", "{\"stringToInt32\":{\"a\":1,\"b\":\"x\"}}", "\"stringToInt32[\"b\"]\"", ""),
                invalid("MapKeyNotAnInteger", "{\"int64ToNested\":{\"abc\":{}}}", "\"int64ToNested[\"abc\"]\"", ""),
                invalid("MapMessageValueWrongField", "{\"int64ToNested\":{\"1\":{\"big\":\"x\"}}}",
                        "\"int64ToNested[\"1\"].big\"", ""),
                invalid("OneofFieldDuplicate", "{\"textChoice\":\"a\",\"nestedChoice\":{}}", "\"nestedChoice\"",
                        "oneof choice is already set by \"textChoice\""),
                invalid("TimestampMonthAndDayOutOfRange", "{\"timestamp\":\"2020-13-45T25:00:00Z\"}", "\"timestamp\"",
                        "not a real date"),
                invalid("TimestampFebruary30", "{\"timestamp\":\"2020-02-30T00:00:00Z\"}", "\"timestamp\"", "not a real date"),
                invalid("TimestampJsonInputLowercaseZ", "{\"timestamp\":\"0001-01-01T00:00:00z\"}", "\"timestamp\"",
                        "not a Timestamp"),
                invalid("TimestampJsonInputLowercaseT", "{\"timestamp\":\"0001-01-01t00:00:00Z\"}", "\"timestamp\"",
                        "not a Timestamp"),
                invalid("TimestampJsonInputMissingZ", "{\"timestamp\":\"0001-01-01T00:00:00\"}", "\"timestamp\"", "not a Timestamp"),
                invalid("TimestampJsonInputMissingT", "{\"timestamp\":\"0001-01-01 00:00:00Z\"}", "\"timestamp\"", "not a Timestamp"),
                invalid("TimestampJsonInputTooSmall", "{\"timestamp\":\"0000-01-01T00:00:00Z\"}", "\"timestamp\"", ""),
                invalid("TimestampJsonInputTooLarge", "{\"timestamp\":\"10000-01-01T00:00:00Z\"}", "\"timestamp\"", ""),
                invalid("TimestampOffsetPastTheRange", "{\"timestamp\":\"0001-01-01T00:00:00+00:01\"}", "\"timestamp\"",
                        "outside the Timestamp range"),
                invalid("TimestampTenFractionalDigits", "{\"timestamp\":\"1970-01-01T00:00:00.1234567890Z\"}", "\"timestamp\"",
                        "not a Timestamp"),
                invalid("DurationTenFractionalDigits", "{\"duration\":\"1.0000000001s\"}", "\"duration\"", "not a Duration"),
                invalid("DurationJsonInputTooLarge", "{\"duration\":\"315576000001s\"}", "\"duration\"", "outside the Duration range"),
                invalid("DurationJsonInputTooSmall", "{\"duration\":\"-315576000001s\"}", "\"duration\"", "outside the Duration range"),
                invalid("DurationMissingS", "{\"duration\":\"1\"}", "\"duration\"", "not a Duration"),
                invalid("DurationWithPlusSign", "{\"duration\":\"+1s\"}", "\"duration\"", "not a Duration"),
                invalid("FieldMaskInvalidCharacter", "{\"fieldMask\":\"foo,bar_bar\"}", "\"fieldMask\"", "not a FieldMask"),
                invalid("AnyTimestampOutOfRange", "{\"any\":{\"@type\":\"type.googleapis.com/google.protobuf.Timestamp\","
                        + "\"value\":\"2020-02-30T00:00:00Z\"}}", "\"any.value\"", "not a real date"),
                invalid("AnyNestedWithATimestampInside", "{\"any\":{\"@type\":\"type.googleapis.com/showcase.Everything\","
                        + "\"duration\":\"1.5\"}}", "\"any.duration\"", "not a Duration"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void aValidInputMapsToItsMessage(String name, String json, String printed) throws Exception {
        DynamicMessage message = JSON.parse(frame(json), EVERYTHING);

        assertThat(JSON.print(message)).contains(printed);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void anInvalidInputIsRefusedNamingTheField(String name, String json, String path, String reason) {
        assertThatThrownBy(() -> JSON.parse(frame(json), EVERYTHING))
                .isInstanceOf(MessageJson.BadMessage.class)
                .hasMessageContaining(path)
                .hasMessageContaining(reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notJson")
    void aFrameThatIsNotStrictJsonIsRefusedBeforeAnyMapping(String name, String json) {
        assertThatThrownBy(() -> StrictJson.parseObject(json)).isInstanceOfAny(IOException.class, RuntimeException.class);
    }

    static Stream<Arguments> notJson() {
        return Stream.of(
                Arguments.of("FieldNameDuplicate", "{\"stringValue\":\"a\",\"stringValue\":\"b\"}"),
                Arguments.of("FieldNameNotQuoted", "{stringValue: \"a\"}"),
                Arguments.of("TrailingCommaInAnObject", "{\"int32Value\":1,}"),
                Arguments.of("TrailingCommaInAnArray", "{\"repeatedInt64\":[1,]}"),
                Arguments.of("JsonWithComments", "{/* c */\"int32Value\":1}"),
                Arguments.of("StringFieldSingleQuoteBoth", "{\"stringValue\":'x'}"),
                Arguments.of("TwoValues", "{} {}"));
    }

    private static JsonObject frame(String json) throws IOException {
        return StrictJson.parseObject(json);
    }

    private static Arguments valid(String name, String json, String printed) {
        return Arguments.of(name, json, printed);
    }

    private static Arguments invalid(String name, String json, String path, String reason) {
        return Arguments.of(name, json, path, reason);
    }
}
