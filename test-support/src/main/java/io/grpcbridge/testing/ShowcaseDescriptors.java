package io.grpcbridge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;

import io.grpcbridge.showcase.ShowcaseProto;

/**
 * showcase.proto's complete descriptor set, as {@code protoc --include_imports --descriptor_set_out}
 * writes it: every file it imports, transitively, each before the files that import it, then
 * showcase.proto. The build's own set (META-INF/grpc-descriptors/showcase.dsc) lacks the imports,
 * because Quarkus runs protoc without {@code --include_imports}; this one is built from the
 * generated classes instead.
 */
public final class ShowcaseDescriptors {

    private ShowcaseDescriptors() {
    }

    /** The set, with each file in the order protoc writes it. */
    public static FileDescriptorSet descriptorSet() {
        Map<String, FileDescriptorProto> files = new LinkedHashMap<>();
        addWithImports(ShowcaseProto.getDescriptor(), files);
        return FileDescriptorSet.newBuilder().addAllFile(files.values()).build();
    }

    /** Writes {@link #descriptorSet()} to {@code file} (replacing it) and returns {@code file}. */
    public static Path writeDescriptorSet(Path file) {
        try {
            return Files.write(file, descriptorSet().toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** protoc's order: depth first, imports in their declared order, each file once. */
    private static void addWithImports(FileDescriptor file, Map<String, FileDescriptorProto> files) {
        if (files.containsKey(file.getName())) {
            return;
        }
        for (FileDescriptor imported : file.getDependencies()) {
            addWithImports(imported, files);
        }
        files.put(file.getName(), withJsonNames(file));
    }

    /**
     * The file's descriptor with every field's json_name set, as protoc writes descriptor sets:
     * the descriptors compiled into generated classes keep only the json_names a .proto sets.
     */
    private static FileDescriptorProto withJsonNames(FileDescriptor file) {
        FileDescriptorProto.Builder proto = file.toProto().toBuilder();
        setJsonNames(file.getExtensions(), proto.getExtensionBuilderList());
        List<Descriptor> messages = file.getMessageTypes();
        for (int i = 0; i < messages.size(); i++) {
            setJsonNames(messages.get(i), proto.getMessageTypeBuilder(i));
        }
        return proto.build();
    }

    private static void setJsonNames(Descriptor message, DescriptorProto.Builder proto) {
        setJsonNames(message.getFields(), proto.getFieldBuilderList());
        setJsonNames(message.getExtensions(), proto.getExtensionBuilderList());
        List<Descriptor> nested = message.getNestedTypes();
        for (int i = 0; i < nested.size(); i++) {
            setJsonNames(nested.get(i), proto.getNestedTypeBuilder(i));
        }
    }

    private static void setJsonNames(List<FieldDescriptor> fields, List<FieldDescriptorProto.Builder> protos) {
        for (int i = 0; i < fields.size(); i++) {
            protos.get(i).setJsonName(fields.get(i).getJsonName());
        }
    }
}
