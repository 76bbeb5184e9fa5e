package io.grpcbridge.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client over a plain socket that sends any frame, including ones a well-behaved
 * client library refuses to send (invalid UTF-8 in a text frame, one huge unfragmented frame).
 * For fuzzing the gateway; blocking, one thread.
 */
public final class RawWebSocket implements AutoCloseable {

    public static final int TEXT = 1;
    public static final int BINARY = 2;
    public static final int CLOSE = 8;

    /** One frame from the server: its opcode and payload. */
    public record Frame(int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The close code of a close frame, or 1005 when it carries none. */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.socket.setSoTimeout(20_000);
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
    }

    /** Opens {@code ws://host:port/path} (an http URI works too) and completes the handshake. */
    public static RawWebSocket connect(URI uri) throws IOException {
        return upgrade(new Socket(uri.getHost(), uri.getPort()), uri);
    }

    /**
     * Like {@link #connect(URI)}, with the socket's receive buffer set to {@code receiveBufferBytes}
     * before connecting, so that a client that does not read holds back its sender after a few
     * kilobytes rather than after the megabytes a loopback connection's buffers grow to.
     */
    public static RawWebSocket connect(URI uri, int receiveBufferBytes) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(receiveBufferBytes);
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()));
        return upgrade(socket, uri);
    }

    private static RawWebSocket upgrade(Socket socket, URI uri) throws IOException {
        RawWebSocket ws = new RawWebSocket(socket);
        String status = ws.handshake(uri, uri.getHost() + ":" + uri.getPort(), Map.of());
        if (!status.startsWith("HTTP/1.1 101")) {
            ws.close();
            throw new IOException("handshake refused: " + status);
        }
        return ws;
    }

    /**
     * The HTTP status an upgrade of {@code uri} gets with the given {@code Host} header and extra
     * headers, whatever they are (a browser on a DNS-rebinding page sends a Host of the attacker's
     * choosing, which well-behaved client libraries do not let a caller set).
     */
    public static int handshakeStatus(URI uri, String host, Map<String, String> headers) throws IOException {
        String head = handshakeHead(uri, host, headers);
        return Integer.parseInt(head.substring("HTTP/1.1 ".length(), "HTTP/1.1 ".length() + 3));
    }

    /** The status line and headers of the answer to an upgrade of {@code uri}; the connection is closed. */
    public static String handshakeHead(URI uri, String host, Map<String, String> headers) throws IOException {
        try (RawWebSocket ws = new RawWebSocket(new Socket(uri.getHost(), uri.getPort()))) {
            return ws.handshake(uri, host, headers);
        }
    }

    private String handshake(URI uri, String host, Map<String, String> headers) throws IOException {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        StringBuilder request = new StringBuilder("GET " + uri.getPath() + " HTTP/1.1\r\nHost: " + host
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        return readHttpHead();
    }

    /** Sends one final, masked frame. */
    public void send(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65_536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /** The next data or close frame (pings are skipped); null when the connection ended without one. */
    public Frame next() throws IOException {
        while (true) {
            int first = in.read();
            if (first < 0) {
                return null;
            }
            int opcode = first & 0x0f;
            long length = in.readUnsignedByte() & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            if (opcode == TEXT || opcode == BINARY || opcode == CLOSE) {
                return new Frame(opcode, payload);
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private String readHttpHead() throws IOException {
        InputStream raw = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = raw.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
