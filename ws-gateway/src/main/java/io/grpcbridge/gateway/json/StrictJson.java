package io.grpcbridge.gateway.json;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

/** Frames' JSON text, read strictly: one value, no member given twice, numbers kept as written. */
public final class StrictJson {

    private static final Pattern JSON_POSITION = Pattern.compile("line \\d+ column \\d+");

    private StrictJson() {
    }

    /** {@code text} as one strict JSON value: the object it is, or null for any other value. */
    public static JsonObject parseObject(String text) throws IOException {
        JsonReader reader = new JsonReader(new StringReader(text));
        reader.setStrictness(Strictness.STRICT);
        JsonElement element = read(reader);
        if (reader.peek() != JsonToken.END_DOCUMENT) {
            throw new IOException("more than one JSON value in the frame");
        }
        return element.isJsonObject() ? element.getAsJsonObject() : null;
    }

    /** Where in the text a parse failure is (" (line 1 column 5)"), or "": Gson's own advice is for programmers. */
    public static String positionOf(Exception e) {
        Matcher position = JSON_POSITION.matcher(String.valueOf(e.getMessage()));
        return position.find() ? " (" + position.group() + ")" : "";
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
}
