package io.grpcbridge.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;

/** The complete descriptor set: loadable on its own, file after file, as a gateway loads one. */
class ShowcaseDescriptorsTest {

    @Test
    void theWrittenSetLoadsInOrderAndDescribesTheShowcase(@TempDir Path directory) throws Exception {
        FileDescriptorSet set = FileDescriptorSet.parseFrom(
                Files.readAllBytes(ShowcaseDescriptors.writeDescriptorSet(directory.resolve("showcase.pb"))));

        Map<String, FileDescriptor> loaded = new HashMap<>();
        FileDescriptor last = null;
        for (FileDescriptorProto file : set.getFileList()) {
            FileDescriptor[] imports = file.getDependencyList().stream().map(loaded::get).toArray(FileDescriptor[]::new);
            assertThat(imports).as("%s's imports, loaded before it", file.getName()).doesNotContainNull();
            last = FileDescriptor.buildFrom(file, imports);
            loaded.put(file.getName(), last);
        }

        assertThat(set.getFileList()).extracting(FileDescriptorProto::getName)
                .contains("google/protobuf/any.proto", "google/protobuf/struct.proto", "google/protobuf/wrappers.proto")
                .endsWith("showcase.proto")
                .doesNotHaveDuplicates();
        ServiceDescriptor showcase = last.findServiceByName("Showcase");
        assertThat(showcase.getFullName()).isEqualTo("showcase.Showcase");
        assertThat(showcase.getMethods())
                .extracting(MethodDescriptor::getName, MethodDescriptor::isClientStreaming, MethodDescriptor::isServerStreaming)
                .containsExactly(
                        tuple("Echo", false, false),
                        tuple("Count", false, true),
                        tuple("Sum", true, false),
                        tuple("Converse", true, true));
    }

    @Test
    void showcaseProtoIsDescribedExactlyAsProtocDescribedItForTheBuild() throws Exception {
        FileDescriptorSet fromProtoc;
        try (InputStream dsc = getClass().getResourceAsStream("/META-INF/grpc-descriptors/showcase.dsc")) {
            fromProtoc = FileDescriptorSet.parseFrom(dsc);
        }
        FileDescriptorSet complete = ShowcaseDescriptors.descriptorSet();

        assertThat(fromProtoc.getFileList()).as("the build's set: showcase.proto without its imports")
                .extracting(FileDescriptorProto::getName).containsExactly("showcase.proto");
        assertThat(complete.getFile(complete.getFileCount() - 1)).isEqualTo(fromProtoc.getFile(0));
    }
}
