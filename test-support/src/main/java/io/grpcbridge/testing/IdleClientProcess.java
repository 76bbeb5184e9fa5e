package io.grpcbridge.testing;

import java.net.URI;
import java.util.List;

/**
 * A live, idle WebSocket client in a process of its own, for tests that freeze it (SIGSTOP): it
 * opens a socket, makes one round trip, prints {@code ready}, then only reads (answering the
 * server's pings, as a browser does) until the socket closes.
 * <p>
 * {@code java -cp <test-support classes> io.grpcbridge.testing.IdleClientProcess ws://host:port/ws}
 */
public final class IdleClientProcess {

    private IdleClientProcess() {
    }

    public static void main(String[] args) throws Exception {
        TestSocket socket = TestSocket.connect(URI.create(args[0])).send("{\"input\":\"idle\"}");
        List<String> frames = socket.next(2);
        System.out.println(frames.contains("{\"output\":\"服务端返回: idle\"}") ? "ready" : "unexpected " + frames);
        System.out.flush();
        socket.closed.join();
    }

    /** The command line that runs this class with the current JVM and class path. */
    public static List<String> command(URI ws) {
        return List.of(ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
                IdleClientProcess.class.getName(), ws.toString());
    }
}
