package io.grpcbridge.gateway;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor.JavaType;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

/**
 * Text frames to and from protobuf messages, with protobuf's JSON mapping: field names come from the
 * .proto, through the message's descriptor, so this works for any request and response type.
 * <p>
 * A client frame is either a complete request ({@code {"input": "hi"}}: every field of the request
 * present, each with its JSON type) or the end of input ({@code {"end": true}}). Anything else
 * decodes to a {@link Bad} frame that says what was wrong.
 *
 * @param <I> the request message type
 */
public final class FrameCodec<I extends Message> {

    static final String END = "end";
    private static final Pattern JSON_POSITION = Pattern.compile("line \\d+ column \\d+");

    /** A decoded client frame. */
    public sealed interface Frame<I> {
    }

    public record Input<I>(I request) implements Frame<I> {
    }

    public record End<I>() implements Frame<I> {
    }

    public record Bad<I>(String reason) implements Frame<I> {
    }

    private final I requestPrototype;
    /** The request's fields by their JSON name (protobuf's lowerCamelCase of the .proto name). */
    private final Map<String, FieldDescriptor> fieldsByJsonName;
    /**
     * Whether every field of the request is a single string or boolean outside any oneof: then the
     * frame already parsed and checked is the request, and protobuf's parser need not read it again.
     */
    private final boolean plainFieldsOnly;
    private final JsonFormat.Parser parser = JsonFormat.parser();
    private final JsonFormat.Printer printer = JsonFormat.printer()
            .omittingInsignificantWhitespace()
            .alwaysPrintFieldsWithNoPresence();
    private final String expectedShape;

    public FrameCodec(I requestPrototype) {
        this.requestPrototype = requestPrototype;
        this.fieldsByJsonName = requestPrototype.getDescriptorForType().getFields().stream()
                .collect(Collectors.toUnmodifiableMap(FieldDescriptor::getJsonName, field -> field));
        this.plainFieldsOnly = fieldsByJsonName.values().stream().allMatch(field -> !field.isRepeated()
                && field.getContainingOneof() == null
                && (field.getJavaType() == JavaType.STRING || field.getJavaType() == JavaType.BOOLEAN));
        this.expectedShape = "a frame is " + encode(requestPrototype) + " or {\"end\":true}";
    }

    public Frame<I> decode(String text) {
        JsonObject frame;
        try {
            frame = parseObject(text);
        } catch (IOException | JsonParseException | IllegalStateException e) {
            return new Bad<>("not valid JSON" + positionOf(e));
        }
        if (frame == null) {
            return new Bad<>("not a JSON object; " + expectedShape);
        }
        if (frame.has(END)) {
            return isEnd(frame) ? new End<>() : new Bad<>("\"end\" must be true and alone in its frame");
        }
        String problem = checkFields(frame);
        if (problem != null) {
            return new Bad<>(problem);
        }
        return plainFieldsOnly ? fromPlainFields(frame) : toRequest(text);
    }

    public String encode(Message message) {
        try {
            return printer.print(message);
        } catch (InvalidProtocolBufferException e) {
            // Only a google.protobuf.Any with an unknown type fails to print; the contract has none.
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code text} is longer than {@code maxBytes} in UTF-8, without encoding it. */
    public static boolean longerThan(String text, int maxBytes) {
        int chars = text.length();
        if (chars > maxBytes) {
            return true;
        }
        return (long) chars * 3 > maxBytes && utf8Length(text, maxBytes) > maxBytes;
    }

    /** {@code text}'s length in UTF-8 bytes. */
    public static int utf8Length(String text) {
        return utf8Length(text, Integer.MAX_VALUE);
    }

    /**
     * {@code text}'s length in UTF-8, counted until it passes {@code stopAfter}. A surrogate pair
     * (a character outside the Basic Multilingual Plane, e.g. an emoji) is 4 bytes: 2 per half.
     */
    private static int utf8Length(String text, int stopAfter) {
        int bytes = 0;
        for (int i = 0; i < text.length() && bytes <= stopAfter; i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }

    /** The error frame of both frame formats: {@code {"error":{"code":…,"message":…}}}. */
    static String error(String code, String message) {
        JsonObject error = new JsonObject();
        error.addProperty("code", code);
        error.addProperty("message", message);
        JsonObject frame = new JsonObject();
        frame.add("error", error);
        return frame.toString();
    }

    /** {@code text} as one strict JSON value: the object it is, or null for any other value. */
    static JsonObject parseObject(String text) throws IOException {
        JsonReader reader = new JsonReader(new StringReader(text));
        reader.setStrictness(Strictness.STRICT);
        JsonElement element = read(reader);
        if (reader.peek() != JsonToken.END_DOCUMENT) {
            throw new IOException("more than one JSON value in the frame");
        }
        return element.isJsonObject() ? element.getAsJsonObject() : null;
    }

    /**
     * One JSON value, as Gson's own parser reads it but for an object that names a member twice,
     * which is refused (RFC 8259 leaves it to the parser; Gson would keep the last silently, and the
     * proto3 JSON spec refuses it).
     */
    private static JsonElement read(JsonReader reader) throws IOException {
        switch (reader.peek()) {
            case BEGIN_OBJECT -> {
                JsonObject object = new JsonObject();
                reader.beginObject();
                while (reader.hasNext()) {
                    String name = reader.nextName();
                    if (object.has(name)) {
                        throw new IOException("member \"" + name + "\" is given twice at " + reader.getPath());
                    }
                    object.add(name, read(reader));
                }
                reader.endObject();
                return object;
            }
            case BEGIN_ARRAY -> {
                JsonArray array = new JsonArray();
                reader.beginArray();
                while (reader.hasNext()) {
                    array.add(read(reader));
                }
                reader.endArray();
                return array;
            }
            case STRING -> {
                return new JsonPrimitive(reader.nextString());
            }
            case NUMBER -> {
                return new JsonPrimitive(new NumberText(reader.nextString()));
            }
            case BOOLEAN -> {
                return new JsonPrimitive(reader.nextBoolean());
            }
            case NULL -> {
                reader.nextNull();
                return JsonNull.INSTANCE;
            }
            default -> throw new IOException("not a JSON value at " + reader.getPath());
        }
    }

    /**
     * A JSON number kept as it was written, parsed only when asked: printed again it is the same
     * text ({@code -0}, {@code 1e5}, 20 digits), as the protobuf JSON parser must see it.
     */
    private static final class NumberText extends Number {

        private final String text;

        NumberText(String text) {
            this.text = text;
        }

        @Override
        public int intValue() {
            return new BigDecimal(text).intValue();
        }

        @Override
        public long longValue() {
            return new BigDecimal(text).longValue();
        }

        @Override
        public float floatValue() {
            return Float.parseFloat(text);
        }

        @Override
        public double doubleValue() {
            return Double.parseDouble(text);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** Gson's messages carry advice meant for programmers; the client only needs where. */
    private static String positionOf(Exception e) {
        Matcher position = JSON_POSITION.matcher(String.valueOf(e.getMessage()));
        return position.find() ? " (" + position.group() + ")" : "";
    }

    private static boolean isEnd(JsonObject frame) {
        JsonElement end = frame.get(END);
        return frame.size() == 1 && end.isJsonPrimitive() && end.getAsJsonPrimitive().isBoolean() && end.getAsBoolean();
    }

    /** Returns what is wrong with the frame's fields, or null when it is a complete request. */
    private String checkFields(JsonObject frame) {
        for (Map.Entry<String, JsonElement> member : frame.entrySet()) {
            FieldDescriptor field = fieldsByJsonName.get(member.getKey());
            if (field == null) {
                return "unknown field \"" + member.getKey() + "\"; " + expectedShape;
            }
            if (!hasJsonTypeOf(field, member.getValue())) {
                return "\"" + field.getJsonName() + "\" must be a " + field.getJavaType().name().toLowerCase();
            }
        }
        for (String jsonName : fieldsByJsonName.keySet()) {
            if (!frame.has(jsonName)) {
                return "missing \"" + jsonName + "\"; " + expectedShape;
            }
        }
        return null;
    }

    private static boolean hasJsonTypeOf(FieldDescriptor field, JsonElement value) {
        if (field.isRepeated()) {
            return value.isJsonArray();
        }
        return switch (field.getJavaType()) {
            case STRING, BYTE_STRING, ENUM -> value.isJsonPrimitive() && value.getAsJsonPrimitive().isString();
            case BOOLEAN -> value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean();
            case INT, LONG, FLOAT, DOUBLE -> value.isJsonPrimitive()
                    && (value.getAsJsonPrimitive().isNumber() || value.getAsJsonPrimitive().isString());
            case MESSAGE -> value.isJsonObject();
        };
    }

    /** The request from a checked frame whose fields are all plain strings and booleans. */
    @SuppressWarnings("unchecked")
    private Frame<I> fromPlainFields(JsonObject frame) {
        Message.Builder builder = requestPrototype.newBuilderForType();
        for (Map.Entry<String, JsonElement> member : frame.entrySet()) {
            FieldDescriptor field = fieldsByJsonName.get(member.getKey());
            JsonPrimitive value = member.getValue().getAsJsonPrimitive();
            builder.setField(field, field.getJavaType() == JavaType.STRING ? value.getAsString() : value.getAsBoolean());
        }
        return new Input<>((I) builder.build());
    }

    @SuppressWarnings("unchecked")
    private Frame<I> toRequest(String text) {
        Message.Builder builder = requestPrototype.newBuilderForType();
        try {
            parser.merge(text, builder);
        } catch (InvalidProtocolBufferException e) {
            return new Bad<>(e.getMessage());
        }
        return new Input<>((I) builder.build());
    }
}
