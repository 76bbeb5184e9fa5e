package io.grpcbridge.gateway;

import java.util.Collection;
import java.util.Map;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;

/**
 * Messages of one backend to and from protobuf's canonical JSON ({@link JsonFormat}), with a type
 * registry of every message the backend's descriptors define, so that a {@code google.protobuf.Any}
 * of any of them maps both ways. A request that does not parse is refused with the path of the
 * field at fault ({@code items[2].when: ...}): JsonFormat's own messages often name only the value.
 */
final class MessageJson {

    /** A request that does not map to its message type; the reason names the field. */
    static final class BadMessage extends Exception {
        BadMessage(String reason) {
            super(reason, null, false, false);
        }
    }

    private final JsonFormat.Parser parser;
    private final JsonFormat.Printer printer;

    MessageJson(Collection<FileDescriptor> files) {
        TypeRegistry.Builder registry = TypeRegistry.newBuilder();
        files.forEach(file -> file.getMessageTypes().forEach(registry::add));
        TypeRegistry types = registry.build();
        this.parser = JsonFormat.parser().usingTypeRegistry(types);
        this.printer = JsonFormat.printer().usingTypeRegistry(types)
                .omittingInsignificantWhitespace()
                .alwaysPrintFieldsWithNoPresence();
    }

    String print(MessageOrBuilder message) {
        try {
            return printer.print(message);
        } catch (InvalidProtocolBufferException e) {
            // An Any whose type is in none of the backend's descriptors.
            throw new IllegalStateException("cannot print a " + message.getDescriptorForType().getFullName() + ": "
                    + e.getMessage(), e);
        }
    }

    /** {@code json}, an object, as a message of {@code type}. */
    DynamicMessage parse(JsonObject json, Descriptor type) throws BadMessage {
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
        try {
            parser.merge(json.toString(), builder);
            return builder.build();
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new BadMessage(locate(json, type, ""));
        }
    }

    /** The first field of {@code json} that does not parse alone, as deep as objects go. */
    private String locate(JsonObject json, Descriptor type, String path) {
        for (Map.Entry<String, JsonElement> member : json.entrySet()) {
            String where = path.isEmpty() ? member.getKey() : path + "." + member.getKey();
            FieldDescriptor field = fieldOf(type, member.getKey());
            if (field == null) {
                return "unknown field \"" + where + "\" in " + type.getFullName();
            }
            String problem = problemWith(member.getKey(), member.getValue(), type);
            if (problem == null) {
                continue;
            }
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isMapField() && !isWellKnown(field)) {
                Descriptor inner = field.getMessageType();
                if (member.getValue() instanceof JsonObject object) {
                    return locate(object, inner, where);
                }
                if (field.isRepeated() && member.getValue() instanceof JsonArray array) {
                    for (int i = 0; i < array.size(); i++) {
                        if (array.get(i) instanceof JsonObject item && problemWithWhole(item, inner) != null) {
                            return locate(item, inner, where + "[" + i + "]");
                        }
                    }
                }
            }
            return "\"" + where + "\": " + problem;
        }
        return path.isEmpty() ? "not a " + type.getFullName() : "\"" + path + "\": not a " + type.getFullName();
    }

    private String problemWith(String name, JsonElement value, Descriptor type) {
        JsonObject alone = new JsonObject();
        alone.add(name, value);
        return problemWithWhole(alone, type);
    }

    private String problemWithWhole(JsonObject json, Descriptor type) {
        try {
            parser.merge(json.toString(), DynamicMessage.newBuilder(type));
            return null;
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            return String.valueOf(e.getMessage());
        }
    }

    private static FieldDescriptor fieldOf(Descriptor type, String name) {
        for (FieldDescriptor field : type.getFields()) {
            if (field.getJsonName().equals(name) || field.getName().equals(name)) {
                return field;
            }
        }
        return null;
    }

    private static boolean isWellKnown(FieldDescriptor field) {
        return field.getMessageType().getFile().getPackage().equals("google.protobuf");
    }
}
