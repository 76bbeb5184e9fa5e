package io.grpcbridge.gateway.socket;

import java.util.ArrayDeque;

import io.grpcbridge.gateway.internals.InboundFrameGate;

/**
 * One socket's inputs between its TCP connection and its gRPC call: messages read from the
 * connection and not yet taken by the call (on their way through websockets-next, or waiting in
 * the socket's {@link InputEmitter}), in count and in bytes, against the socket's input window.
 * The socket reads its connection only while the window has room ({@link InboundFrameGate}), so a
 * client that sends faster than its call takes is slowed by TCP instead of being buffered for.
 * <p>
 * Single-threaded: the socket's event loop is its only caller.
 */
final class InputWindow {

    private final int maxMessages;
    private final long maxBytes;
    /** The sizes of the messages read and not yet delivered to the socket's callbacks, in order. */
    private final ArrayDeque<Integer> undelivered = new ArrayDeque<>();
    private long undeliveredBytes;
    private int messages;
    private long bytes;

    InputWindow(int maxMessages, long maxBytes) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    /** Whether one more message may be read: the window is not full, in count or in bytes. */
    boolean hasRoom() {
        return messages < maxMessages && bytes < maxBytes;
    }

    boolean isEmpty() {
        return messages == 0;
    }

    int messages() {
        return messages;
    }

    long bytes() {
        return bytes;
    }

    /** Messages read and not yet delivered: each may still make the socket write a frame (an echo, an error). */
    int undelivered() {
        return undelivered.size();
    }

    long undeliveredBytes() {
        return undeliveredBytes;
    }

    /** A message of {@code size} bytes was read from the connection. */
    void read(int size) {
        undelivered.add(size);
        undeliveredBytes += size;
        messages++;
        bytes += size;
    }

    /** The socket's callbacks got the oldest message read: its size (it stays in the window). */
    int delivered() {
        Integer size = undelivered.poll();
        if (size == null) {
            throw new IllegalStateException("a message was delivered that was never read");
        }
        undeliveredBytes -= size;
        return size;
    }

    /** Messages of {@code size} bytes in all have left: taken by the call, or needing no call at all. */
    void left(int count, long size) {
        messages -= count;
        bytes -= size;
    }

    /** Everything leaves (the socket is closing); returns how many messages there were. */
    int clear() {
        int all = messages;
        undelivered.clear();
        undeliveredBytes = 0;
        messages = 0;
        bytes = 0;
        return all;
    }
}
