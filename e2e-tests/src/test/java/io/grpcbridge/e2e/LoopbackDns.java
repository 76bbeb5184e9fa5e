package io.grpcbridge.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A DNS server on a loopback UDP port that answers A queries from a table the test changes as
 * replicas come and go, as compose's DNS and a Kubernetes headless Service answer a service's name
 * with one A record per running replica. Other names get NXDOMAIN, other record types no answer.
 */
final class LoopbackDns implements AutoCloseable {

    private static final int TYPE_A = 1;
    private static final int CLASS_IN = 1;
    private static final int TTL_SECONDS = 1;

    private final DatagramSocket socket;
    private final Map<String, List<InetAddress>> records = new ConcurrentHashMap<>();

    LoopbackDns() {
        try {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread server = new Thread(this::serve, "loopback-dns");
        server.setDaemon(true);
        server.start();
    }

    /** {@code host:port}, as Stork's {@code dns-servers} takes it. */
    String address() {
        return socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
    }

    /** From now on, {@code name} resolves to exactly these addresses. */
    void answer(String name, List<InetAddress> addresses) {
        records.put(name.toLowerCase(), List.copyOf(addresses));
    }

    @Override
    public void close() {
        socket.close();
    }

    private void serve() {
        byte[] buffer = new byte[512];
        while (!socket.isClosed()) {
            DatagramPacket query = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(query);
                byte[] response = respond(ByteBuffer.wrap(query.getData(), 0, query.getLength()));
                socket.send(new DatagramPacket(response, response.length, query.getSocketAddress()));
            } catch (IOException | RuntimeException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    /** RFC 1035 §4: the header and the one question echoed, then one A record per address. */
    private byte[] respond(ByteBuffer query) {
        int id = Short.toUnsignedInt(query.getShort());
        int queryFlags = Short.toUnsignedInt(query.getShort());
        query.position(12);
        int questionStart = query.position();
        StringBuilder name = new StringBuilder();
        for (int length = Byte.toUnsignedInt(query.get()); length > 0; length = Byte.toUnsignedInt(query.get())) {
            if (!name.isEmpty()) {
                name.append('.');
            }
            byte[] label = new byte[length];
            query.get(label);
            name.append(new String(label, StandardCharsets.US_ASCII));
        }
        int type = Short.toUnsignedInt(query.getShort());
        query.getShort(); // class
        byte[] question = new byte[query.position() - questionStart];
        query.get(questionStart, question);

        List<InetAddress> addresses = records.get(name.toString().toLowerCase());
        List<InetAddress> answers = addresses == null || type != TYPE_A ? List.of() : addresses;
        int responseCode = addresses == null ? 3 : 0; // NXDOMAIN, NOERROR
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(12)
                .putShort((short) id)
                .putShort((short) (0x8000 | 0x0400 | (queryFlags & 0x0100) | 0x0080 | responseCode)) // QR AA RD RA
                .putShort((short) 1)
                .putShort((short) answers.size())
                .putShort((short) 0)
                .putShort((short) 0);
        out.writeBytes(header.array());
        out.writeBytes(question);
        for (InetAddress address : answers) {
            out.writeBytes(ByteBuffer.allocate(16)
                    .putShort((short) 0xC00C) // the name: a pointer to the question's
                    .putShort((short) TYPE_A)
                    .putShort((short) CLASS_IN)
                    .putInt(TTL_SECONDS)
                    .putShort((short) 4)
                    .put(address.getAddress())
                    .array());
        }
        return out.toByteArray();
    }
}
