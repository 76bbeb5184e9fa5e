package io.grpcbridge.gateway.json;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;

/**
 * Messages of one backend to and from protobuf's canonical JSON ({@link JsonFormat}), with a type
 * registry of every message the backend's descriptors define, so that a {@code google.protobuf.Any}
 * of any of them maps both ways. A request that does not parse is refused with the path of the
 * field at fault ({@code items[2].when: ...}, {@code counts["a"]: ...}, a oneof set twice): JsonFormat's
 * own messages often name only the value. Timestamps, durations and field masks are held to the
 * proto3 JSON spec first ({@link StrictWellKnownJson}), where JsonFormat would take a wrong date.
 */
public final class MessageJson {

    /** A request that does not map to its message type; the reason names the field. */
    public static final class BadMessage extends Exception {
        public BadMessage(String reason) {
            super(reason, null, false, false);
        }
    }

    private final JsonFormat.Parser parser;
    private final JsonFormat.Printer printer;
    private final StrictWellKnownJson strict;

    public MessageJson(Collection<FileDescriptor> files) {
        TypeRegistry.Builder registry = TypeRegistry.newBuilder();
        files.forEach(file -> file.getMessageTypes().forEach(registry::add));
        TypeRegistry types = registry.build();
        this.parser = JsonFormat.parser().usingTypeRegistry(types);
        this.strict = new StrictWellKnownJson(types);
        this.printer = JsonFormat.printer().usingTypeRegistry(types)
                .omittingInsignificantWhitespace()
                .alwaysPrintFieldsWithNoPresence();
    }

    public String print(MessageOrBuilder message) {
        try {
            return printer.print(message);
        } catch (InvalidProtocolBufferException e) {
            // An Any whose type is in none of the backend's descriptors.
            throw new IllegalStateException("cannot print a " + message.getDescriptorForType().getFullName() + ": "
                    + e.getMessage(), e);
        }
    }

    /** {@code json}, an object, as a message of {@code type}. */
    public DynamicMessage parse(JsonObject json, Descriptor type) throws BadMessage {
        String wrongWellKnownValue = strict.problem(json, type);
        if (wrongWellKnownValue != null) {
            throw new BadMessage(wrongWellKnownValue);
        }
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
        try {
            parser.merge(json.toString(), builder);
            return builder.build();
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new BadMessage(locate(json, type, ""));
        }
    }

    /** The first field of {@code json} that does not parse alone, as deep as objects, arrays and maps go. */
    private String locate(JsonObject json, Descriptor type, String path) {
        String clash = oneofClash(json, type, path);
        if (clash != null) {
            return clash;
        }
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
            if (field.isMapField() && member.getValue() instanceof JsonObject entries) {
                FieldDescriptor value = field.getMessageType().findFieldByName("value");
                for (Map.Entry<String, JsonElement> entry : entries.entrySet()) {
                    JsonObject alone = new JsonObject();
                    alone.add(entry.getKey(), entry.getValue());
                    String entryProblem = problemWith(member.getKey(), alone, type);
                    if (entryProblem != null) {
                        return at(where + "[\"" + entry.getKey() + "\"]", value, entry.getValue(), entryProblem);
                    }
                }
            } else if (field.isRepeated() && member.getValue() instanceof JsonArray items) {
                for (int i = 0; i < items.size(); i++) {
                    JsonArray alone = new JsonArray();
                    alone.add(items.get(i));
                    String itemProblem = problemWith(member.getKey(), alone, type);
                    if (itemProblem != null) {
                        return at(where + "[" + i + "]", field, items.get(i), itemProblem);
                    }
                }
            } else if (!field.isRepeated()) {
                return at(where, field, member.getValue(), problem);
            }
            return "\"" + where + "\": " + problem;
        }
        return path.isEmpty() ? "not a " + type.getFullName() : "\"" + path + "\": not a " + type.getFullName();
    }

    /** {@code problem} at {@code where}, or the field inside it at fault when {@code value} is a message of fields. */
    private String at(String where, FieldDescriptor field, JsonElement value, String problem) {
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !isWellKnown(field)
                && value instanceof JsonObject object && problemWithWhole(object, field.getMessageType()) != null) {
            return locate(object, field.getMessageType(), where);
        }
        return "\"" + where + "\": " + problem;
    }

    /** One field given twice (by its JSON name and its .proto name), or two members of one oneof: the second, named with the first. */
    private static String oneofClash(JsonObject json, Descriptor type, String path) {
        Map<FieldDescriptor, String> given = new HashMap<>();
        for (String name : json.keySet()) {
            FieldDescriptor field = fieldOf(type, name);
            String first = field == null ? null : given.putIfAbsent(field, name);
            if (first != null) {
                return "\"" + (path.isEmpty() ? name : path + "." + name) + "\": field " + field.getName()
                        + " is already given as \"" + first + "\"";
            }
        }
        for (OneofDescriptor oneof : type.getRealOneofs()) {
            String first = null;
            for (Map.Entry<String, JsonElement> member : json.entrySet()) {
                FieldDescriptor field = fieldOf(type, member.getKey());
                if (field == null || field.getRealContainingOneof() != oneof || member.getValue().isJsonNull()) {
                    continue;
                }
                if (first != null) {
                    String where = path.isEmpty() ? member.getKey() : path + "." + member.getKey();
                    return "\"" + where + "\": oneof " + oneof.getName() + " is already set by \"" + first
                            + "\"; set one of its fields at most";
                }
                first = member.getKey();
            }
        }
        return null;
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

    /** The field of {@code type} named {@code name} in JSON (its JSON name or its .proto name), or null. */
    static FieldDescriptor fieldOf(Descriptor type, String name) {
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
