package io.grpcbridge.gateway.socket;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.grpcbridge.gateway.internals.InboundFrameGate;

/**
 * A client socket for {@link StreamBridge} tests: records the frames it is given and how it was
 * closed; a frame counts as written only when the test says so ({@link #writeAll}), as a client
 * that reads would let it be. What the client sends ({@link #arrive}) is let in as the real
 * {@link InboundFrameGate} does: only while the bridge's reader wants a message, in order, the
 * rest waiting unread.
 */
final class FakeClientSocket implements ClientSocket {

    /** How the bridge closed the socket. */
    record Close(int code, String reason) {
    }

    final List<String> frames = new ArrayList<>();
    final List<Close> closes = new ArrayList<>();
    private final List<Runnable> unwritten = new ArrayList<>();
    private final ArrayDeque<String> unread = new ArrayDeque<>();
    private Consumer<String> deliver;
    private InboundFrameGate.Reader reader;
    private boolean stopped;
    private boolean paused;
    int pauses;

    /** Where the messages let in go: the bridge's {@code onText}. */
    void deliverTo(Consumer<String> onText) {
        deliver = onText;
    }

    /** The client sends {@code text}; it is read as soon as the bridge wants it. */
    void arrive(String text) {
        unread.add(text);
        readMore();
    }

    /** Messages the client sent that the bridge has not read yet. */
    int unread() {
        return unread.size();
    }

    boolean paused() {
        return paused;
    }

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
    public void read(InboundFrameGate.Reader newReader) {
        reader = newReader;
        readMore();
    }

    @Override
    public void readMore() {
        while (reader != null && !stopped && !unread.isEmpty()) {
            if (!reader.wantsMessage()) {
                if (!paused) {
                    paused = true;
                    pauses++;
                    reader.readingPaused();
                }
                return;
            }
            String text = unread.poll();
            reader.messageRead(text.getBytes(StandardCharsets.UTF_8).length);
            deliver.accept(text);
        }
        if (paused && unread.isEmpty()) {
            paused = false;
            reader.readingResumed();
        }
    }

    @Override
    public void stopReading() {
        stopped = true;
        unread.clear();
        if (paused) {
            paused = false;
            reader.readingResumed();
        }
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
