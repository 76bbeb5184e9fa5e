package io.grpcbridge.gateway.json;

import java.util.HashSet;
import java.util.Set;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;

/**
 * A JSON template of a message type for a person to fill in (the console shows it): every field
 * with a value of its type in the canonical mapping, nested messages filled in too (once per path,
 * so recursive types end), one element in each repeated field and map, the first member of a oneof
 * only, and the well-known types in their JSON forms.
 */
public final class MessageTemplates {

    private MessageTemplates() {
    }

    public static JsonObject of(Descriptor type) {
        return of(type, new HashSet<>());
    }

    private static JsonObject of(Descriptor type, Set<String> open) {
        JsonObject template = new JsonObject();
        if (!open.add(type.getFullName())) {
            return template;
        }
        for (FieldDescriptor field : type.getFields()) {
            var oneof = field.getRealContainingOneof();
            if (oneof != null && oneof.getField(0) != field) {
                continue;
            }
            JsonElement value = valueOf(field, open);
            if (field.isMapField()) {
                JsonObject map = new JsonObject();
                FieldDescriptor key = field.getMessageType().findFieldByName("key");
                FieldDescriptor mapValue = field.getMessageType().findFieldByName("value");
                map.add(mapKeyOf(key), valueOf(mapValue, open));
                value = map;
            } else if (field.isRepeated()) {
                JsonArray list = new JsonArray();
                list.add(value);
                value = list;
            }
            template.add(field.getJsonName(), value);
        }
        open.remove(type.getFullName());
        return template;
    }

    private static String mapKeyOf(FieldDescriptor key) {
        return switch (key.getJavaType()) {
            case STRING -> "key";
            case BOOLEAN -> "true";
            default -> "0";
        };
    }

    private static JsonElement valueOf(FieldDescriptor field, Set<String> open) {
        return switch (field.getJavaType()) {
            case INT, FLOAT, DOUBLE -> new JsonPrimitive(0);
            case LONG -> new JsonPrimitive("0");
            case BOOLEAN -> new JsonPrimitive(false);
            case STRING, BYTE_STRING -> new JsonPrimitive("");
            case ENUM -> new JsonPrimitive(field.getEnumType().getValues().get(0).getName());
            case MESSAGE -> wellKnown(field.getMessageType(), open);
        };
    }

    private static JsonElement wellKnown(Descriptor type, Set<String> open) {
        return switch (type.getFullName()) {
            case "google.protobuf.Timestamp" -> new JsonPrimitive("1970-01-01T00:00:00Z");
            case "google.protobuf.Duration" -> new JsonPrimitive("0s");
            case "google.protobuf.FieldMask" -> new JsonPrimitive("");
            case "google.protobuf.Value" -> JsonNull.INSTANCE;
            case "google.protobuf.ListValue" -> new JsonArray();
            // An empty Any: a type URL with no type would not parse, and the console sends templates as they are.
            case "google.protobuf.Struct", "google.protobuf.Empty", "google.protobuf.Any" -> new JsonObject();
            case "google.protobuf.BoolValue" -> new JsonPrimitive(false);
            case "google.protobuf.StringValue", "google.protobuf.BytesValue" -> new JsonPrimitive("");
            case "google.protobuf.Int64Value", "google.protobuf.UInt64Value" -> new JsonPrimitive("0");
            case "google.protobuf.Int32Value", "google.protobuf.UInt32Value", "google.protobuf.FloatValue",
                    "google.protobuf.DoubleValue" -> new JsonPrimitive(0);
            default -> of(type, open);
        };
    }
}
