package io.grpcbridge.gateway.backend;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;

import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpcbridge.gateway.json.MessageJson;

/**
 * One method a backend exposes to browsers, from its descriptors: how to call it (a grpc-java
 * method of {@link DynamicMessage}s) and how its messages map to JSON.
 *
 * @param backend the backend's name ({@code gateway.backends.<name>})
 * @param descriptor the method as its .proto declares it
 * @param json the JSON mapping of the backend's messages
 */
public record BridgedMethod(String backend, Descriptors.MethodDescriptor descriptor, MessageJson json,
        MethodDescriptor<DynamicMessage, DynamicMessage> grpc) {

    BridgedMethod(String backend, Descriptors.MethodDescriptor descriptor, MessageJson json) {
        this(backend, descriptor, json, MethodDescriptor.<DynamicMessage, DynamicMessage> newBuilder()
                .setType(kindOf(descriptor))
                .setFullMethodName(fullName(descriptor))
                .setRequestMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(descriptor.getInputType())))
                .setResponseMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(descriptor.getOutputType())))
                .build());
    }

    /** The same method, called on {@code other} backend (which must serve it). */
    public BridgedMethod onBackend(String other) {
        return new BridgedMethod(other, descriptor, json, grpc);
    }

    /** {@code package.Service/Method}, as gRPC and the socket's URL name it. */
    public String fullName() {
        return grpc.getFullMethodName();
    }

    /** Whether the client sends a stream of requests; otherwise exactly one. */
    public boolean clientStreams() {
        return descriptor.isClientStreaming();
    }

    public MethodDescriptor.MethodType kind() {
        return grpc.getType();
    }

    public Descriptors.Descriptor input() {
        return descriptor.getInputType();
    }

    public Descriptors.Descriptor output() {
        return descriptor.getOutputType();
    }

    static String fullName(Descriptors.MethodDescriptor method) {
        return MethodDescriptor.generateFullMethodName(method.getService().getFullName(), method.getName());
    }

    private static MethodDescriptor.MethodType kindOf(Descriptors.MethodDescriptor method) {
        if (method.isClientStreaming()) {
            return method.isServerStreaming() ? MethodDescriptor.MethodType.BIDI_STREAMING
                    : MethodDescriptor.MethodType.CLIENT_STREAMING;
        }
        return method.isServerStreaming() ? MethodDescriptor.MethodType.SERVER_STREAMING : MethodDescriptor.MethodType.UNARY;
    }
}
