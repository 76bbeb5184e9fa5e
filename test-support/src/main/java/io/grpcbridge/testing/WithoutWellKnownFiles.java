package io.grpcbridge.testing;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.InvalidProtocolBufferException;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.reflection.v1.ErrorResponse;
import io.grpc.reflection.v1.FileDescriptorResponse;
import io.grpc.reflection.v1.ServerReflectionResponse;

/**
 * Makes a v1alpha server reflection service answer as many older servers do (Go services built
 * with older generated code among them): it never sends the well-known types' files (grpc-java
 * sends a file's imports along with it) and answers {@code NOT_FOUND: unknown file:
 * google/protobuf/...} when asked for one, while its own files still import them. (grpc-java's
 * v1alpha service sends v1's message classes, whose fields are the same.)
 */
final class WithoutWellKnownFiles implements ServerInterceptor {

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            @SuppressWarnings("unchecked")
            public void sendMessage(R message) {
                if (!(message instanceof ServerReflectionResponse response)) {
                    super.sendMessage(message);
                } else if (isWellKnown(response.getOriginalRequest().getFileByFilename())) {
                    String file = response.getOriginalRequest().getFileByFilename();
                    super.sendMessage((R) response.toBuilder().clearFileDescriptorResponse()
                            .setErrorResponse(ErrorResponse.newBuilder().setErrorCode(Status.Code.NOT_FOUND.value())
                                    .setErrorMessage("unknown file: " + file))
                            .build());
                } else if (response.hasFileDescriptorResponse()) {
                    FileDescriptorResponse.Builder files = FileDescriptorResponse.newBuilder();
                    for (ByteString file : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
                        if (!isWellKnown(name(file))) {
                            files.addFileDescriptorProto(file);
                        }
                    }
                    super.sendMessage((R) response.toBuilder().setFileDescriptorResponse(files).build());
                } else {
                    super.sendMessage(message);
                }
            }
        }, headers);
    }

    private static boolean isWellKnown(String file) {
        return file.startsWith("google/protobuf/");
    }

    private static String name(ByteString file) {
        try {
            return FileDescriptorProto.parseFrom(file).getName();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
