package io.grpcbridge.gateway;

import java.util.ArrayList;
import java.util.List;

/**
 * A client socket for {@link StreamBridge} tests: records the frames it is given and how it was
 * closed; a frame counts as written only when the test says so ({@link #writeAll}), as a client
 * that reads would let it be.
 */
final class FakeClientSocket implements ClientSocket {

    /** How the bridge closed the socket. */
    record Close(int code, String reason) {
    }

    final List<String> frames = new ArrayList<>();
    final List<Close> closes = new ArrayList<>();
    private final List<Runnable> unwritten = new ArrayList<>();

    @Override
    public String id() {
        return "fake";
    }

    @Override
    public void send(String frame, Runnable whenDone) {
        frames.add(frame);
        unwritten.add(whenDone);
    }

    @Override
    public void close(int code, String reason) {
        closes.add(new Close(code, reason));
    }

    /** The client reads everything sent so far. */
    void writeAll() {
        List<Runnable> now = new ArrayList<>(unwritten);
        unwritten.clear();
        now.forEach(Runnable::run);
    }

    int unwritten() {
        return unwritten.size();
    }
}
