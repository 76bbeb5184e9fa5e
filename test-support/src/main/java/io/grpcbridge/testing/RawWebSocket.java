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
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A WebSocket client over a plain socket that sends any frame, including ones a well-behaved
 * client library refuses to send (invalid UTF-8 in a text frame, one huge unfragmented frame, a
 * compressed frame that inflates to megabytes). It can offer permessage-deflate as browsers do
 * ({@link #connectCompressing}): its messages are then compressed with context takeover, so that
 * a repeated message shrinks to a few bytes on the wire. Blocking: one thread sends, another may
 * read.
 */
public final class RawWebSocket implements AutoCloseable {

    public static final int TEXT = 1;
    public static final int BINARY = 2;
    public static final int CONTINUATION = 0;
    public static final int CLOSE = 8;
    /** What every browser offers. */
    public static final String DEFLATE_OFFER = "permessage-deflate; client_max_window_bits";
    private static final byte[] DEFLATE_TAIL = { 0, 0, (byte) 0xff, (byte) 0xff };

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
    /** The compressor of this client's messages once permessage-deflate is agreed (null: not agreed). */
    private Deflater deflater;
    /** The server asked for client_no_context_takeover: each message is compressed on its own. */
    private boolean noContextTakeover;
    /** What the server's compressed messages are inflated with. */
    private Inflater inflater;

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

    /**
     * Opens {@code uri} offering permessage-deflate as a browser does; {@link #compressing()} says
     * whether the server agreed. {@code receiveBufferBytes} as in {@link #connect(URI, int)} (0: the
     * system's).
     */
    public static RawWebSocket connectCompressing(URI uri, int receiveBufferBytes) throws IOException {
        Socket socket = new Socket();
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()));
        RawWebSocket ws = upgrade(socket, uri, Map.of("Sec-WebSocket-Extensions", DEFLATE_OFFER));
        return ws;
    }

    private static RawWebSocket upgrade(Socket socket, URI uri) throws IOException {
        return upgrade(socket, uri, Map.of());
    }

    private static RawWebSocket upgrade(Socket socket, URI uri, Map<String, String> headers) throws IOException {
        RawWebSocket ws = new RawWebSocket(socket);
        String head = ws.handshake(uri, uri.getHost() + ":" + uri.getPort(), headers);
        if (!head.startsWith("HTTP/1.1 101")) {
            ws.close();
            throw new IOException("handshake refused: " + head);
        }
        String lowerCase = head.toLowerCase(Locale.ROOT);
        if (lowerCase.contains("sec-websocket-extensions: permessage-deflate")) {
            ws.deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            ws.inflater = new Inflater(true);
            ws.noContextTakeover = lowerCase.contains("client_no_context_takeover");
        }
        return ws;
    }

    /** Whether the server agreed to permessage-deflate: {@link #sendText} then compresses. */
    public boolean compressing() {
        return deflater != null;
    }

    /** Sends {@code text} as one text message, compressed when the server agreed to it. */
    public void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        if (deflater == null) {
            send(TEXT, payload);
        } else {
            sendFrame(true, true, TEXT, deflate(payload));
        }
    }

    /**
     * {@code payload} compressed as one permessage-deflate message with this client's compressor
     * (its context carries over to the next message, as a browser's does, unless the server asked
     * for client_no_context_takeover); the caller must send it with RSV1 set, in one frame or split
     * over continuation frames.
     */
    public byte[] deflate(byte[] payload) {
        if (deflater == null) {
            throw new IllegalStateException("permessage-deflate was not agreed");
        }
        if (noContextTakeover) {
            deflater.reset();
        }
        deflater.setInput(payload);
        ByteArrayOutputStream compressed = new ByteArrayOutputStream(payload.length / 4 + 16);
        byte[] chunk = new byte[8192];
        int n;
        while ((n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH)) > 0) {
            compressed.write(chunk, 0, n);
        }
        byte[] all = compressed.toByteArray();
        return Arrays.copyOf(all, all.length - DEFLATE_TAIL.length); // RFC 7692: without 00 00 ff ff
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

    /** Sends one final, masked, uncompressed frame. */
    public void send(int opcode, byte[] payload) throws IOException {
        sendFrame(true, false, opcode, payload);
    }

    /** Sends one masked frame: {@code fin} ends a message, {@code rsv1} marks its first frame compressed. */
    public void sendFrame(boolean fin, boolean rsv1, int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode);
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

    /**
     * The next data message (inflated when the server compressed it; unfragmented, as the gateway
     * sends) or close frame (pings are skipped); null when the connection ended without one.
     */
    public Frame next() throws IOException {
        while (true) {
            int first = in.read();
            if (first < 0) {
                return null;
            }
            int opcode = first & 0x0f;
            boolean compressed = (first & 0x40) != 0;
            long length = in.readUnsignedByte() & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            if (opcode == TEXT || opcode == BINARY || opcode == CLOSE) {
                return new Frame(opcode, compressed ? inflate(payload) : payload);
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A message the server compressed; the gateway compresses each on its own (server_no_context_takeover). */
    private byte[] inflate(byte[] payload) throws IOException {
        inflater.reset();
        inflater.setInput(payload);
        ByteArrayOutputStream plain = new ByteArrayOutputStream(payload.length * 4);
        byte[] chunk = new byte[8192];
        try {
            boolean tailGiven = false;
            while (true) {
                int n = inflater.inflate(chunk);
                plain.write(chunk, 0, n);
                if (n == 0 && inflater.needsInput()) {
                    if (tailGiven) {
                        return plain.toByteArray();
                    }
                    inflater.setInput(DEFLATE_TAIL);
                    tailGiven = true;
                } else if (inflater.finished()) {
                    return plain.toByteArray();
                }
            }
        } catch (DataFormatException e) {
            throw new IOException("a compressed message that does not inflate", e);
        }
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
