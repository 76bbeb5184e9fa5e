package io.grpcbridge.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * A TCP proxy on loopback to one port, whose network the test can take away: {@link #goOffline()}
 * resets every connection through it (no close frame reaches either side) and refuses new ones,
 * {@link #goOnline()} lets them through again. What a browser sees when its network goes away.
 */
final class CuttableProxy implements AutoCloseable {

    private final ServerSocket server;
    private final IntSupplier targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean offline;

    CuttableProxy(int targetPort) throws IOException {
        this(() -> targetPort);
    }

    /** A proxy to a port known only later (asked at each connection): its own port may then be in the target's configuration. */
    CuttableProxy(IntSupplier targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accepting = new Thread(this::accept, "cuttable-proxy");
        accepting.setDaemon(true);
        accepting.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    void goOffline() {
        offline = true;
        open.forEach(CuttableProxy::reset);
        open.clear();
    }

    void goOnline() {
        offline = false;
    }

    @Override
    public void close() throws IOException {
        server.close();
        goOffline();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (offline) {
                    reset(client);
                    continue;
                }
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort.getAsInt());
                open.add(client);
                open.add(upstream);
                pipe(client, upstream);
                pipe(upstream, client);
            } catch (IOException e) {
                // closed, or a connection that failed: the next one is accepted as usual
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread copying = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // reset or closed: the other side goes too
            } finally {
                reset(from);
                reset(to);
            }
        }, "cuttable-proxy-pipe");
        copying.setDaemon(true);
        copying.start();
    }

    /** Closes with a reset, not a FIN: as a lost network looks to the peer once it notices. */
    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
