package io.grpcbridge.gateway.internals;

import java.util.ArrayDeque;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Lets a socket's messages into the gateway only as fast as the socket takes them, and stops
 * reading its TCP connection in between, so that TCP pushes back into the client (a browser's
 * {@code bufferedAmount} grows, and a paced sender waits).
 * <p>
 * websockets-next (Quarkus 3.34.2) never pauses a connection: every message it decodes becomes a
 * task on the event loop at once, and with permessage-deflate one TCP read of a few kilobytes can
 * inflate into hundreds of megabytes of such messages (measured: 12 compressing clients took a
 * 256 MiB heap to OutOfMemoryError in 6 s). The gate sits in the connection's pipeline between the
 * frame decoder and the inflater ({@link BoundedDeflate}), so a message is inflated only once the
 * socket has room for it. Frames that arrive meanwhile wait here, still compressed, and the
 * connection is not read again until they have gone in: what waits is at most what one read
 * brought. Ping, pong and close frames always go in at once.
 * <p>
 * Two handlers in the pipeline: {@link #intake()} before the inflater holds frames back;
 * {@link #meter()} after it counts the bytes each message inflated to and tells the {@link Reader}.
 * Both, and every method here, run on the connection's event loop.
 */
public final class InboundFrameGate {

    /** The socket a gate feeds. */
    public interface Reader {

        /** Whether one more message may be read now; asked only when one is waiting. */
        boolean wantsMessage();

        /**
         * A message of {@code bytes} (decompressed) was read, and is on its way to the socket's
         * callbacks, in order.
         */
        void messageRead(int bytes);

        /** The gate stopped reading the connection: {@link #wantsMessage} said no. */
        void readingPaused();

        /** The gate reads the connection again. */
        void readingResumed();

        /**
         * A compressed message inflated past the most a message may be: it was dropped, and the
         * connection would have been failed without a close frame had the gate not caught it.
         */
        void messageTooLarge();
    }

    private enum State {
        /** The socket has not opened yet: frames that arrive wait, and the connection is not read while any does. */
        OPENING,
        /** Messages go in as they come; the connection is read. */
        READING,
        /** A message waits for room; the connection is not read until every waiting frame has gone in. */
        PAUSED,
        /** The socket is closing: data frames are dropped, the connection is read for the client's close. */
        DISCARDING
    }

    private final Channel channel;
    private final Intake intake = new Intake();
    private final Meter meter = new Meter();
    private final ArrayDeque<WebSocketFrame> waiting = new ArrayDeque<>();
    private State state = State.OPENING;
    private Reader reader;
    private boolean lettingIn;
    /** {@link #resume} was called while waiting frames were being let in: look again. */
    private boolean askedAgain;

    InboundFrameGate(Channel channel) {
        this.channel = channel;
    }

    /** The handler that goes right after the frame decoder, before any inflater. */
    ChannelInboundHandlerAdapter intake() {
        return intake;
    }

    /** The handler that goes right before the handler that delivers messages to websockets-next. */
    ChannelInboundHandlerAdapter meter() {
        return meter;
    }

    /** The socket is open: messages go to {@code socket} from now on, as far as it wants them. */
    public void open(Reader socket) {
        if (!channel.eventLoop().inEventLoop()) {
            channel.eventLoop().execute(() -> open(socket));
        } else if (state == State.OPENING) {
            reader = socket;
            letWaitingIn(State.OPENING);
        }
    }

    /**
     * The reader may have room again: waiting frames go in as far as it takes them. Called after
     * every input taken and every frame written, so it costs nothing while the gate reads.
     */
    public void resume() {
        if (!channel.eventLoop().inEventLoop()) {
            channel.eventLoop().execute(this::resume);
        } else if (lettingIn) {
            askedAgain = true;
        } else if (state == State.PAUSED) {
            letWaitingIn(State.PAUSED);
        }
    }

    /** The socket is closing: what waits is dropped, and the connection is read for the close handshake. */
    public void discard() {
        if (!channel.eventLoop().inEventLoop()) {
            channel.eventLoop().execute(this::discard);
            return;
        }
        State was = state;
        state = State.DISCARDING;
        releaseWaiting();
        if (was == State.PAUSED) {
            reader.readingResumed();
        }
        if (was == State.PAUSED || was == State.OPENING) {
            channel.config().setAutoRead(true);
        }
    }

    private void letWaitingIn(State from) {
        lettingIn = true;
        try {
            do {
                askedAgain = false;
                boolean letIn = false;
                while (state == from && !waiting.isEmpty() && mayEnter(waiting.peek())) {
                    enter(waiting.poll());
                    letIn = true;
                }
                if (letIn) {
                    // What the messages let in made the handlers write is flushed at the end of a read
                    // (writes that complete then may make room, and ask again).
                    intake.context.fireChannelReadComplete();
                }
            } while (askedAgain && state == from && !waiting.isEmpty());
            if (state != from) {
                return; // discarded meanwhile
            }
            if (waiting.isEmpty()) {
                state = State.READING;
                channel.config().setAutoRead(true);
                if (from == State.PAUSED) {
                    reader.readingResumed();
                }
            } else if (from == State.OPENING) {
                state = State.PAUSED;
                reader.readingPaused();
            }
        } finally {
            lettingIn = false;
        }
    }

    /**
     * A message's first frame goes in when the reader wants a message; its continuation frames
     * follow it (they never arrive before it, and wait behind it when it waits).
     */
    private boolean mayEnter(WebSocketFrame frame) {
        return frame instanceof ContinuationWebSocketFrame || reader.wantsMessage();
    }

    private void enter(WebSocketFrame frame) {
        intake.context.fireChannelRead(frame);
    }

    private void hold(WebSocketFrame frame) {
        waiting.add(frame);
        channel.config().setAutoRead(false);
        if (state == State.READING) {
            state = State.PAUSED;
            reader.readingPaused();
        }
    }

    private void releaseWaiting() {
        WebSocketFrame frame;
        while ((frame = waiting.poll()) != null) {
            ReferenceCountUtil.release(frame);
        }
    }

    private static boolean isData(Object message) {
        return message instanceof TextWebSocketFrame || message instanceof BinaryWebSocketFrame
                || message instanceof ContinuationWebSocketFrame;
    }

    private final class Intake extends ChannelInboundHandlerAdapter {

        private ChannelHandlerContext context;

        @Override
        public void handlerAdded(ChannelHandlerContext added) {
            context = added;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (!isData(message)) {
                if (message instanceof CloseWebSocketFrame) {
                    // The client ends the socket, and with it the call: what it sent before no longer matters.
                    releaseWaiting();
                }
                ctx.fireChannelRead(message);
                return;
            }
            WebSocketFrame frame = (WebSocketFrame) message;
            switch (state) {
                case DISCARDING -> ReferenceCountUtil.release(frame);
                case OPENING, PAUSED -> hold(frame);
                case READING -> {
                    if (mayEnter(frame)) {
                        enter(frame);
                    } else {
                        hold(frame);
                    }
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            releaseWaiting();
            ctx.fireChannelInactive();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            releaseWaiting();
        }
    }

    private final class Meter extends ChannelInboundHandlerAdapter {

        private int messageBytes;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (isData(message) && reader != null) {
                WebSocketFrame frame = (WebSocketFrame) message;
                messageBytes += frame.content().readableBytes();
                if (frame.isFinalFragment()) {
                    int bytes = messageBytes;
                    messageBytes = 0;
                    reader.messageRead(bytes);
                }
            }
            ctx.fireChannelRead(message);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable failure) {
            if (reader != null && (failure instanceof DecompressionException || failure.getCause() instanceof DecompressionException)) {
                messageBytes = 0;
                reader.messageTooLarge();
            } else {
                ctx.fireExceptionCaught(failure);
            }
        }
    }
}
