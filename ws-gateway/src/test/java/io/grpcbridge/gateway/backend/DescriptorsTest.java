package io.grpcbridge.gateway.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collection;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.FileDescriptor;

import io.grpcbridge.testing.ShowcaseDescriptors;

/** Descriptor sets as backends hand them over, and what a backend's expose list selects of them. */
class DescriptorsTest {

    @Test
    void aSetWithoutItsWellKnownImportsLinksWithProtobufsOwn() {
        // As protoc writes it without --include_imports (the build's own showcase.dsc): showcase.proto only.
        List<FileDescriptorProto> files = DescriptorSets.read("classpath:META-INF/grpc-descriptors/showcase.dsc");
        assertThat(files).extracting(FileDescriptorProto::getName).containsExactly("showcase.proto");

        Collection<FileDescriptor> linked = DescriptorSets.link(files);

        assertThat(linked).singleElement().satisfies(file -> assertThat(file.findServiceByName("Showcase")).isNotNull());
    }

    @Test
    void aMissingImportThatIsNotAWellKnownTypeIsNamed() {
        FileDescriptorProto orphan = FileDescriptorProto.newBuilder().setName("orders.proto").addDependency("shop/common.proto").build();

        assertThatThrownBy(() -> DescriptorSets.link(List.of(orphan)))
                .hasMessage("descriptor file shop/common.proto is missing (imported by orders.proto); make the set with protoc --include_imports");
    }

    @Test
    void filesLinkInWhateverOrderTheyCome() {
        List<FileDescriptorProto> files = new java.util.ArrayList<>(ShowcaseDescriptors.descriptorSet().getFileList());
        java.util.Collections.reverse(files);

        assertThat(DescriptorSets.link(files)).extracting(FileDescriptor::getName).contains("showcase.proto",
                "google/protobuf/any.proto");
    }

    @Test
    void exposeSelectsWholeServicesAndSingleMethodsAndNamesWhatIsNotDefined() {
        Collection<FileDescriptor> files = DescriptorSets.link(ShowcaseDescriptors.descriptorSet().getFileList());

        assertThat(Exposure.of("showcase", List.of("showcase.Showcase")).select(files).keySet())
                .containsExactlyInAnyOrder("showcase.Showcase/Echo", "showcase.Showcase/Count", "showcase.Showcase/Sum",
                        "showcase.Showcase/Converse");
        assertThat(Exposure.of("showcase", List.of("showcase.Showcase/Echo")).select(files).keySet())
                .containsExactly("showcase.Showcase/Echo");
        assertThatThrownBy(() -> Exposure.of("showcase", List.of("showcase.Showcase/Nope", "shop.Orders"))
                .select(files))
                .hasMessageStartingWith("gateway.backends.showcase.expose lists ")
                .hasMessageContaining("showcase.Showcase/Nope").hasMessageContaining("shop.Orders");
    }
}
