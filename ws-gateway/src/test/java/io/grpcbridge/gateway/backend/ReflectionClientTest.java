package io.grpcbridge.gateway.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.reflection.v1.ErrorResponse;
import io.grpc.reflection.v1.FileDescriptorResponse;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.grpcbridge.testing.ShowcaseServer;

/**
 * Server reflection from servers that cannot serve every file their services' files import: a
 * well-known type's file is taken from protobuf-java, any other missing file is an error that names
 * it and the file importing it. The server here serves {@code shop/orders.proto}, which imports
 * {@code shop/common.proto} and {@code google/protobuf/timestamp.proto}, and only what it is given.
 */
class ReflectionClientTest {

    private static final FileDescriptorProto ORDERS = FileDescriptorProto.newBuilder().setName("shop/orders.proto")
            .setPackage("shop").setSyntax("proto3")
            .addDependency("shop/common.proto").addDependency("google/protobuf/timestamp.proto")
            .addService(ServiceDescriptorProto.newBuilder().setName("Orders"))
            .build();
    private static final FileDescriptorProto COMMON = FileDescriptorProto.newBuilder().setName("shop/common.proto")
            .setPackage("shop").setSyntax("proto3").build();

    private Server server;
    private ManagedChannel channel;

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.shutdownNow();
        }
    }

    @Test
    void aWellKnownFileTheServerCannotServeIsLeftToProtobufJava() throws Exception {
        start(Map.of("shop/orders.proto", ORDERS, "shop/common.proto", COMMON));

        ReflectionClient.Fetched fetched = ReflectionClient.fetch(channel, List.of("shop.Orders"), Duration.ofSeconds(10));

        assertThat(fetched.files()).extracting(FileDescriptorProto::getName).containsExactly("shop/orders.proto", "shop/common.proto");
        assertThat(fetched.wellKnownNotServed()).containsExactly("google/protobuf/timestamp.proto");
        assertThat(DescriptorSets.link(fetched.files())).extracting(file -> file.getName())
                .contains("shop/orders.proto", "shop/common.proto");
    }

    @Test
    void anyOtherFileTheServerCannotServeIsAnErrorNamingItAndItsImporter() throws Exception {
        start(Map.of("shop/orders.proto", ORDERS));

        assertThatThrownBy(() -> ReflectionClient.fetch(channel, List.of("shop.Orders"), Duration.ofSeconds(10)))
                .isInstanceOf(StatusRuntimeException.class)
                .hasMessageContaining("NOT_FOUND")
                .hasMessageContaining("reflection cannot serve file shop/common.proto (imported by shop/orders.proto)")
                .hasMessageContaining("unknown file: shop/common.proto");
    }

    @Test
    void anOlderServerThatServesNoWellKnownFileIsDescribedWithProtobufJavasOwn() throws Exception {
        try (ShowcaseServer older = ShowcaseServer.builder()
                .reflection(ShowcaseServer.Reflection.V1ALPHA_WITHOUT_WELL_KNOWN_FILES).start()) {
            channel = ManagedChannelBuilder.forTarget(older.target()).usePlaintext().build();

            ReflectionClient.Fetched fetched = ReflectionClient.fetch(channel, List.of("showcase.Showcase"), Duration.ofSeconds(10));

            assertThat(fetched.files()).extracting(FileDescriptorProto::getName).containsExactly("showcase.proto");
            assertThat(fetched.wellKnownNotServed()).contains("google/protobuf/timestamp.proto", "google/protobuf/any.proto");
            assertThat(DescriptorSets.link(fetched.files())).extracting(file -> file.getName()).contains("showcase.proto");
        }
    }

    /** A reflection v1 server that knows {@code files} by name, and shop.Orders as defined in shop/orders.proto. */
    private void start(Map<String, FileDescriptorProto> files) throws Exception {
        server = NettyServerBuilder.forPort(0).addService(new ServerReflectionGrpc.ServerReflectionImplBase() {
            @Override
            public StreamObserver<ServerReflectionRequest> serverReflectionInfo(StreamObserver<ServerReflectionResponse> answers) {
                return new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionRequest request) {
                        String name = request.hasFileContainingSymbol() ? "shop/orders.proto" : request.getFileByFilename();
                        FileDescriptorProto file = files.get(name);
                        ServerReflectionResponse.Builder answer = ServerReflectionResponse.newBuilder().setOriginalRequest(request);
                        if (file == null) {
                            answer.setErrorResponse(ErrorResponse.newBuilder().setErrorCode(Status.Code.NOT_FOUND.value())
                                    .setErrorMessage("unknown file: " + name));
                        } else {
                            answer.setFileDescriptorResponse(FileDescriptorResponse.newBuilder()
                                    .addFileDescriptorProto(file.toByteString()));
                        }
                        answers.onNext(answer.build());
                    }

                    @Override
                    public void onError(Throwable failure) {
                    }

                    @Override
                    public void onCompleted() {
                        answers.onCompleted();
                    }
                };
            }
        }).build().start();
        channel = ManagedChannelBuilder.forAddress("localhost", server.getPort()).usePlaintext().build();
    }
}
