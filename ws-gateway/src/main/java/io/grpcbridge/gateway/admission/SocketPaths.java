package io.grpcbridge.gateway.admission;

/**
 * The socket URLs and the method each names: the one table the upgrade check, the HTTP routes and
 * the endpoints read.
 */
public final class SocketPaths {

    /** Protocol v1's URL: {@link #V1_METHOD} in v1's own frames, as the chat page and the original clients speak it. */
    public static final String V1 = "/ws";
    /** The method {@link #V1} bridges. */
    public static final String V1_METHOD = "chat.Chat/BidStream";
    /** Method sockets, as websockets-next matches them: {@code /ws/package.Service/Method}, any exposed method. */
    public static final String METHOD_SOCKETS = "/ws/{service}/{method}";
    /** The same URLs as a Vert.x route. */
    public static final String METHOD_SOCKETS_ROUTE = "/ws/:service/:method";
    /** Protocol v2: one socket, any number of calls, each naming its method. */
    public static final String SESSION = "/session";
    private static final String METHOD_SOCKET_PREFIX = "/ws/";

    private SocketPaths() {
    }

    /** The method a socket URL names ({@code package.Service/Method}); "" when it names none. */
    public static String methodOf(String path) {
        if (path.equals(V1)) {
            return V1_METHOD;
        }
        return path.startsWith(METHOD_SOCKET_PREFIX) ? path.substring(METHOD_SOCKET_PREFIX.length()) : "";
    }

    /** A method's socket URL. */
    public static String of(String method) {
        return METHOD_SOCKET_PREFIX + method;
    }
}
