package io.grpcbridge.gateway.backend;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.google.protobuf.AnyProto;
import com.google.protobuf.ApiProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.FieldMaskProto;
import com.google.protobuf.SourceContextProto;
import com.google.protobuf.StructProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.TypeProto;
import com.google.protobuf.WrappersProto;

/**
 * Descriptor files as a backend describes itself (a descriptor set, or server reflection), linked
 * into {@link FileDescriptor}s in any order they come. protobuf's well-known types are taken from
 * protobuf-java itself when they are missing: protoc leaves them out of a set made without
 * {@code --include_imports}.
 */
public final class DescriptorSets {

    private static final Map<String, FileDescriptor> WELL_KNOWN = Stream.of(AnyProto.getDescriptor(),
            ApiProto.getDescriptor(), DurationProto.getDescriptor(), EmptyProto.getDescriptor(),
            FieldMaskProto.getDescriptor(), SourceContextProto.getDescriptor(), StructProto.getDescriptor(),
            TimestampProto.getDescriptor(), TypeProto.getDescriptor(), WrappersProto.getDescriptor(),
            com.google.protobuf.DescriptorProtos.getDescriptor())
            .collect(LinkedHashMap::new, (map, file) -> map.put(file.getName(), file), Map::putAll);

    private DescriptorSets() {
    }

    /** Whether {@code file} is one of protobuf's well-known types' files, which protobuf-java has built in. */
    static boolean isWellKnown(String file) {
        return WELL_KNOWN.containsKey(file);
    }

    /** The files of a descriptor set at {@code location}: a path, or {@code classpath:} and a resource. */
    static List<FileDescriptorProto> read(String location) {
        try (InputStream in = open(location)) {
            return FileDescriptorSet.parseFrom(in).getFileList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the descriptor set " + location, e);
        }
    }

    private static InputStream open(String location) throws IOException {
        if (location.startsWith("classpath:")) {
            String resource = location.substring("classpath:".length());
            InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource);
            if (in == null) {
                throw new IOException("no class-path resource " + resource);
            }
            return in;
        }
        return Files.newInputStream(Path.of(location));
    }

    /** Every file of {@code files}, linked with its dependencies; fails naming a file that is missing. */
    public static Collection<FileDescriptor> link(List<FileDescriptorProto> files) {
        Map<String, FileDescriptorProto> byName = new LinkedHashMap<>();
        files.forEach(file -> byName.putIfAbsent(file.getName(), file));
        Map<String, FileDescriptor> linked = new LinkedHashMap<>();
        for (String name : byName.keySet()) {
            link(name, byName, linked, new ArrayList<>());
        }
        return linked.values();
    }

    private static FileDescriptor link(String name, Map<String, FileDescriptorProto> byName,
            Map<String, FileDescriptor> linked, List<String> path) {
        FileDescriptor done = linked.get(name);
        if (done != null) {
            return done;
        }
        FileDescriptorProto file = byName.get(name);
        if (file == null) {
            FileDescriptor wellKnown = WELL_KNOWN.get(name);
            if (wellKnown == null) {
                throw new IllegalArgumentException("descriptor file " + name + " is missing (imported by " + path.get(path.size() - 1)
                        + "); make the set with protoc --include_imports");
            }
            return wellKnown;
        }
        if (path.contains(name)) {
            throw new IllegalArgumentException("descriptor files import each other in a cycle: " + path);
        }
        path.add(name);
        List<FileDescriptor> dependencies = new ArrayList<>();
        for (String dependency : file.getDependencyList()) {
            dependencies.add(link(dependency, byName, linked, path));
        }
        path.remove(path.size() - 1);
        try {
            FileDescriptor descriptor = FileDescriptor.buildFrom(file, dependencies.toArray(FileDescriptor[]::new));
            linked.put(name, descriptor);
            return descriptor;
        } catch (DescriptorValidationException e) {
            throw new IllegalArgumentException("descriptor file " + name + " is invalid: " + e.getMessage(), e);
        }
    }
}
