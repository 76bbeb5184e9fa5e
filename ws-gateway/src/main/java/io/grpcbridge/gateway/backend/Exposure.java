package io.grpcbridge.gateway.backend;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FileDescriptor;

import io.grpcbridge.gateway.json.MessageJson;

/** What {@code gateway.backends.<name>.expose} lists: whole services and single methods. */
public record Exposure(String backend, Set<String> wholeServices, Set<String> singleMethods) {

    static Exposure of(String backend, List<String> entries) {
        Set<String> services = entries.stream().filter(entry -> !entry.contains("/")).collect(Collectors.toSet());
        Set<String> methods = entries.stream().filter(entry -> entry.contains("/")).collect(Collectors.toSet());
        return new Exposure(backend, services, methods);
    }

    Set<String> entries() {
        return Stream.concat(wholeServices.stream(), singleMethods.stream()).collect(Collectors.toSet());
    }

    /** The services to ask reflection about. */
    List<String> services() {
        return Stream.concat(wholeServices.stream(),
                singleMethods.stream().map(method -> method.substring(0, method.indexOf('/'))))
                .distinct().sorted().toList();
    }

    boolean covers(String service, String fullName) {
        return wholeServices.contains(service) || singleMethods.contains(fullName);
    }

    /** The listed methods of {@code files}; fails naming an entry they do not define. */
    Map<String, BridgedMethod> select(Collection<FileDescriptor> files) {
        MessageJson json = new MessageJson(files);
        Map<String, BridgedMethod> methods = new LinkedHashMap<>();
        Set<String> found = new HashSet<>();
        for (FileDescriptor file : files) {
            for (Descriptors.ServiceDescriptor service : file.getServices()) {
                for (Descriptors.MethodDescriptor method : service.getMethods()) {
                    String fullName = BridgedMethod.fullName(method);
                    if (covers(service.getFullName(), fullName)) {
                        found.add(service.getFullName());
                        found.add(fullName);
                        methods.put(fullName, new BridgedMethod(backend, method, json));
                    }
                }
            }
        }
        Set<String> missing = entries().stream().filter(entry -> !found.contains(entry)).collect(Collectors.toSet());
        if (!missing.isEmpty()) {
            throw new IllegalStateException("gateway.backends." + backend + ".expose lists " + missing
                    + ", which its descriptors do not define");
        }
        return methods;
    }
}
