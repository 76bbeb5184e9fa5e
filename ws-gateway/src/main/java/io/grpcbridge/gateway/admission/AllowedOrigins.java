package io.grpcbridge.gateway.admission;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The origins whose pages may open sockets ({@code gateway.upgrade.allowed-origins}), compared the
 * way browsers write an Origin header: scheme and host in lower case, the default port left out.
 */
final class AllowedOrigins {

    private final Set<String> origins;

    AllowedOrigins(List<String> configured) {
        this.origins = configured.stream().map(AllowedOrigins::canonical).filter(Objects::nonNull)
                .collect(Collectors.toUnmodifiableSet());
    }

    boolean allows(String origin) {
        String canonical = canonical(origin);
        return canonical != null && origins.contains(canonical);
    }

    /** {@code scheme://host[:port]}, or null when {@code origin} is not one (e.g. the opaque {@code null}). */
    static String canonical(String origin) {
        if (origin == null) {
            return null;
        }
        try {
            URI uri = new URI(origin.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return null;
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort();
            boolean defaultPort = port == -1 || (scheme.equals("http") || scheme.equals("ws")) && port == 80
                    || (scheme.equals("https") || scheme.equals("wss")) && port == 443;
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
