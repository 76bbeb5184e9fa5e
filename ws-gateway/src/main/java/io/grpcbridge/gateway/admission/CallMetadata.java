package io.grpcbridge.gateway.admission;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.inject.Singleton;

import io.grpc.Metadata;
import io.grpcbridge.gateway.config.GatewayConfig;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;

/**
 * The gRPC metadata a socket's call carries to its backend, built once at the upgrade: who the
 * caller is, when the upgrade was authenticated, and the request headers an operator chose to
 * forward ({@code gateway.chat.forward-headers}).
 */
@Singleton
public class CallMetadata {

    /** The caller's principal name in UTF-8 (binary, so that any name survives the trip). */
    static final Metadata.Key<byte[]> CALLER = Metadata.Key.of("x-caller-bin", Metadata.BINARY_BYTE_MARSHALLER);
    /** HTTP/2 refuses connection-specific headers; the others describe the upgrade, not the call. */
    private static final Set<String> NOT_FORWARDABLE = Set.of("connection", "content-length",
            "content-type", "host", "keep-alive", "proxy-connection", "te", "transfer-encoding", "upgrade");

    private final List<Metadata.Key<String>> forwarded;

    CallMetadata(GatewayConfig config) {
        this.forwarded = config.calls().forwardHeaders().orElse(List.of()).stream()
                .map(name -> name.trim().toLowerCase(Locale.ROOT))
                .map(CallMetadata::forwardable)
                .map(name -> Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER))
                .toList();
    }

    /** The metadata for a socket that {@code request} opened as {@code identity} (empty when there is none). */
    Metadata of(HttpServerRequest request, SecurityIdentity identity) {
        Metadata metadata = new Metadata();
        for (Metadata.Key<String> header : forwarded) {
            String value = request.getHeader(header.name());
            if (value != null && printableAscii(value)) {
                metadata.put(header, value);
            }
        }
        if (identity != null && !identity.isAnonymous()) {
            metadata.put(CALLER, identity.getPrincipal().getName().getBytes(StandardCharsets.UTF_8));
        }
        return metadata;
    }

    /** The caller named in {@code metadata}, for logs. */
    public static String caller(Metadata metadata) {
        byte[] caller = metadata.get(CALLER);
        return caller == null ? "anonymous" : new String(caller, StandardCharsets.UTF_8);
    }

    private static String forwardable(String name) {
        if (NOT_FORWARDABLE.contains(name) || name.startsWith(":") || name.startsWith("grpc-")
                || name.startsWith("sec-websocket-") || name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
            // Binary names include x-caller-bin: a client's header can never pose as the caller.
            throw new IllegalArgumentException("gateway.chat.forward-headers: " + name
                    + " cannot be forwarded to a backend (connection-specific, reserved by gRPC or binary)");
        }
        return name;
    }

    /** gRPC's text metadata values are visible ASCII and spaces; anything else is not forwarded. */
    private static boolean printableAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
