package io.grpcbridge.gateway.v1;

import java.io.IOException;
import java.util.Map;
import java.util.stream.Collectors;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor.JavaType;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

import io.grpcbridge.gateway.json.StrictJson;
import io.grpcbridge.gateway.socket.ClientFrame;

/**
 * Protocol v1's frames: the request itself in protobuf's JSON mapping ({@code {"input": "hi"}}),
 * every field of the request present, each with its JSON type, or the end of input
 * ({@code {"end": true}}); anything else decodes to a {@link ClientFrame.Bad} frame that says what
 * was wrong. Field names come from the request's descriptor, so this works for any request type.
 */
public final class RequestCodec {

    private static final String END = "end";

    private final Message requestPrototype;
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

    public RequestCodec(Message requestPrototype) {
        this.requestPrototype = requestPrototype;
        this.fieldsByJsonName = requestPrototype.getDescriptorForType().getFields().stream()
                .collect(Collectors.toUnmodifiableMap(FieldDescriptor::getJsonName, field -> field));
        this.plainFieldsOnly = fieldsByJsonName.values().stream().allMatch(field -> !field.isRepeated()
                && field.getContainingOneof() == null
                && (field.getJavaType() == JavaType.STRING || field.getJavaType() == JavaType.BOOLEAN));
        this.expectedShape = "a frame is " + encode(requestPrototype) + " or {\"end\":true}";
    }

    public ClientFrame decode(String text) {
        JsonObject frame;
        try {
            frame = StrictJson.parseObject(text);
        } catch (IOException | JsonParseException | IllegalStateException e) {
            return new ClientFrame.Bad("not valid JSON" + StrictJson.positionOf(e));
        }
        if (frame == null) {
            return new ClientFrame.Bad("not a JSON object; " + expectedShape);
        }
        if (frame.has(END)) {
            return isEnd(frame) ? new ClientFrame.End() : new ClientFrame.Bad("\"end\" must be true and alone in its frame");
        }
        String problem = checkFields(frame);
        if (problem != null) {
            return new ClientFrame.Bad(problem);
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
    private ClientFrame fromPlainFields(JsonObject frame) {
        Message.Builder builder = requestPrototype.newBuilderForType();
        for (Map.Entry<String, JsonElement> member : frame.entrySet()) {
            FieldDescriptor field = fieldsByJsonName.get(member.getKey());
            JsonPrimitive value = member.getValue().getAsJsonPrimitive();
            builder.setField(field, field.getJavaType() == JavaType.STRING ? value.getAsString() : value.getAsBoolean());
        }
        return new ClientFrame.Input(builder.build());
    }

    private ClientFrame toRequest(String text) {
        Message.Builder builder = requestPrototype.newBuilderForType();
        try {
            parser.merge(text, builder);
        } catch (InvalidProtocolBufferException e) {
            return new ClientFrame.Bad(e.getMessage());
        }
        return new ClientFrame.Input(builder.build());
    }
}
