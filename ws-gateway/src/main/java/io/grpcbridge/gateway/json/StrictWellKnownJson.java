package io.grpcbridge.gateway.json;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.TypeRegistry;

/**
 * The proto3 JSON spec's rules for the well-known types whose strings protobuf-java's
 * {@code JsonFormat} reads leniently (protocolbuffers/protobuf#24349): it takes
 * {@code 2020-13-45T25:00:00Z} as 2021-02-15T01:00:00Z, {@code 2020-02-30} as March 1st, and a
 * duration of {@code 1.0000000001s} as 1 s, so the backend would get data the client never sent.
 * Checked here first, anywhere in a request (nested, repeated, map values, inside an {@code Any}):
 * <ul>
 * <li>{@code Timestamp}: RFC 3339 with an upper-case {@code T}, and {@code Z} or an offset; 0 to 9
 * fractional digits; a real date and time; from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z.</li>
 * <li>{@code Duration}: seconds with 0 to 9 fractional digits and an {@code s}; at most
 * 315,576,000,000 s either way.</li>
 * <li>{@code FieldMask}: comma-separated paths of lowerCamelCase names (no underscores).</li>
 * </ul>
 * Only message types that can hold one of them (or an {@code Any}) are walked: others cost nothing.
 */
final class StrictWellKnownJson {

    private static final String TIMESTAMP = "google.protobuf.Timestamp";
    private static final String DURATION = "google.protobuf.Duration";
    private static final String FIELD_MASK = "google.protobuf.FieldMask";
    private static final String ANY = "google.protobuf.Any";
    private static final Set<String> CHECKED = Set.of(TIMESTAMP, DURATION, FIELD_MASK, ANY);

    private static final Pattern RFC_3339 = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?(?:Z|([+-])(\\d{2}):(\\d{2}))");
    private static final Pattern SECONDS = Pattern.compile("-?(\\d{1,12})(?:\\.\\d{1,9})?s");
    private static final Pattern FIELD_PATH = Pattern.compile("[a-zA-Z][a-zA-Z0-9]*(?:\\.[a-zA-Z][a-zA-Z0-9]*)*");
    private static final long MIN_SECONDS = LocalDateTime.of(1, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);
    private static final long MAX_SECONDS = LocalDateTime.of(9999, 12, 31, 23, 59, 59).toEpochSecond(ZoneOffset.UTC);
    private static final long MAX_DURATION_SECONDS = 315_576_000_000L;

    private final TypeRegistry types;
    private final Map<Descriptor, Boolean> holdsChecked = new ConcurrentHashMap<>();

    StrictWellKnownJson(TypeRegistry types) {
        this.types = types;
    }

    /** The first value of {@code json}, a {@code type}, that breaks a rule, with its path; null when none does. */
    String problem(JsonObject json, Descriptor type) {
        return problem(json, type, "");
    }

    private String problem(JsonObject json, Descriptor type, String path) {
        if (!holdsChecked(type)) {
            return null;
        }
        for (Map.Entry<String, JsonElement> member : json.entrySet()) {
            FieldDescriptor field = MessageJson.fieldOf(type, member.getKey());
            if (field == null || field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                continue; // unknown fields and scalars are JsonFormat's to judge
            }
            String where = path.isEmpty() ? member.getKey() : path + "." + member.getKey();
            String problem = null;
            if (field.isMapField() && member.getValue() instanceof JsonObject entries) {
                FieldDescriptor value = field.getMessageType().findFieldByName("value");
                for (Map.Entry<String, JsonElement> entry : entries.entrySet()) {
                    problem = valueProblem(value, entry.getValue(), where + "[\"" + entry.getKey() + "\"]");
                    if (problem != null) {
                        break;
                    }
                }
            } else if (field.isRepeated() && member.getValue() instanceof JsonArray items) {
                for (int i = 0; i < items.size() && problem == null; i++) {
                    problem = valueProblem(field, items.get(i), where + "[" + i + "]");
                }
            } else if (!field.isRepeated()) {
                problem = valueProblem(field, member.getValue(), where);
            }
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private String valueProblem(FieldDescriptor field, JsonElement value, String where) {
        if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
            return null;
        }
        return messageProblem(field.getMessageType(), value, where);
    }

    private String messageProblem(Descriptor type, JsonElement value, String where) {
        String text = stringOf(value);
        String problem;
        switch (type.getFullName()) {
            case TIMESTAMP -> problem = text == null ? null : timestampProblem(text);
            case DURATION -> problem = text == null ? null : durationProblem(text);
            case FIELD_MASK -> problem = text == null ? null : fieldMaskProblem(text);
            case ANY -> {
                return value instanceof JsonObject any ? anyProblem(any, where) : null;
            }
            default -> {
                return value instanceof JsonObject object ? problem(object, type, where) : null;
            }
        }
        return problem == null ? null : "\"" + where + "\": " + problem;
    }

    /** An {@code Any}: its {@code value} when it holds a well-known type, else its other members as its type. */
    private String anyProblem(JsonObject any, String where) {
        String typeUrl = stringOf(any.get("@type"));
        if (typeUrl == null) {
            return null;
        }
        Descriptor type;
        try {
            type = types.getDescriptorForTypeUrl(typeUrl);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return null; // JsonFormat names the unknown type
        }
        if (type == null) {
            return null;
        }
        if (CHECKED.contains(type.getFullName()) && any.has("value")) {
            return messageProblem(type, any.get("value"), where + ".value");
        }
        JsonObject fields = any.deepCopy();
        fields.remove("@type");
        return problem(fields, type, where);
    }

    static String timestampProblem(String text) {
        Matcher parts = RFC_3339.matcher(text);
        String expected = "; a Timestamp is RFC 3339 with an upper-case T, and Z or an offset, e.g. 2026-12-07T18:00:00.5Z";
        if (!parts.matches()) {
            return quote(text) + " is not a Timestamp" + expected;
        }
        long seconds;
        try {
            LocalDateTime local = LocalDateTime.of(number(parts, 1), number(parts, 2), number(parts, 3), number(parts, 4),
                    number(parts, 5), number(parts, 6));
            ZoneOffset offset = parts.group(8) == null ? ZoneOffset.UTC
                    : ZoneOffset.ofHoursMinutes((parts.group(8).equals("-") ? -1 : 1) * number(parts, 9),
                            (parts.group(8).equals("-") ? -1 : 1) * number(parts, 10));
            seconds = local.toEpochSecond(offset);
        } catch (DateTimeException e) {
            return quote(text) + " is not a real date and time (" + e.getMessage() + ")";
        }
        if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
            return quote(text) + " is outside the Timestamp range, 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z";
        }
        return null;
    }

    static String durationProblem(String text) {
        Matcher parts = SECONDS.matcher(text);
        if (!parts.matches()) {
            return quote(text) + " is not a Duration; a Duration is seconds with at most 9 fractional digits and an s, e.g. 1.5s";
        }
        if (Long.parseLong(parts.group(1)) > MAX_DURATION_SECONDS) {
            return quote(text) + " is outside the Duration range, -315576000000s to 315576000000s";
        }
        return null;
    }

    static String fieldMaskProblem(String text) {
        if (text.isEmpty()) {
            return null;
        }
        for (String path : text.split(",", -1)) {
            if (!FIELD_PATH.matcher(path).matches()) {
                return quote(text) + " is not a FieldMask; its paths are lowerCamelCase field names, comma-separated, e.g. "
                        + "\"user.displayName,photo\" (" + quote(path) + " is not)";
            }
        }
        return null;
    }

    /** Whether a JSON value of {@code type} can contain a value this class checks. */
    private boolean holdsChecked(Descriptor type) {
        Boolean known = holdsChecked.get(type);
        if (known == null) {
            known = holdsChecked(type, new HashSet<>());
            holdsChecked.put(type, known);
        }
        return known;
    }

    private static boolean holdsChecked(Descriptor type, Set<Descriptor> seen) {
        if (CHECKED.contains(type.getFullName())) {
            return true;
        }
        if (!seen.add(type)) {
            return false;
        }
        for (FieldDescriptor field : type.getFields()) {
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && holdsChecked(field.getMessageType(), seen)) {
                return true;
            }
        }
        return false;
    }

    private static String stringOf(JsonElement value) {
        return value instanceof JsonPrimitive primitive && primitive.isString() ? primitive.getAsString() : null;
    }

    private static int number(Matcher parts, int group) {
        return Integer.parseInt(parts.group(group));
    }

    private static String quote(String text) {
        JsonPrimitive quoted = new JsonPrimitive(text);
        return quoted.toString();
    }
}
