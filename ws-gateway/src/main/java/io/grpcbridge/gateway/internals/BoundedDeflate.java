package io.grpcbridge.gateway.internals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilter;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionUtil;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.netty.handler.codec.compression.ZlibCodecFactory;

/**
 * permessage-deflate (RFC 7692) for one socket, agreed in its 101 response, with an inflater that
 * gives up at {@code maxMessageBytes}: Vert.x's own negotiation (switched off in
 * {@code GatewayHttpOptions}) inflates a frame without any bound before anything can look at its
 * size, so one compressed frame of 128 KiB could become 128 MB.
 * <p>
 * The gateway always answers {@code server_no_context_takeover} and {@code client_no_context_takeover}
 * (RFC 7692 7.1.1.1 and 7.1.1.2 let a server do so unasked): each message is compressed on its own,
 * both ways, so the compressor and the inflater live only while one message goes through, instead
 * of holding about 256 KiB and 40 KiB of native memory for the whole life of every socket. An idle
 * socket then costs what it costs without compression.
 * <p>
 * It sits in the pipeline where the inflater must go, right after {@link InboundFrameGate#intake()};
 * on the 101 it puts the extension's decoder and encoder there and leaves.
 */
public final class BoundedDeflate extends ChannelOutboundHandlerAdapter {

    private static final String EXTENSION = "permessage-deflate";
    private static final String SERVER_NO_CONTEXT = "server_no_context_takeover";
    private static final String CLIENT_NO_CONTEXT = "client_no_context_takeover";
    /** zlib's default level. */
    private static final int LEVEL = 6;
    /**
     * Frames the gateway sends smaller than this go uncompressed (RFC 7692 lets a sender choose per
     * message): compressed on its own, a small JSON frame does not shrink. Measured over 1,000 chat
     * round trips: every frame compressed made 5 % more bytes than none.
     */
    static final int MIN_COMPRESSED_BYTES = 256;
    /** Leaves small frames uncompressed; inflates whatever the client compressed. */
    private static final WebSocketExtensionFilterProvider SMALL_FRAMES_UNCOMPRESSED = new WebSocketExtensionFilterProvider() {
        @Override
        public WebSocketExtensionFilter encoderFilter() {
            return frame -> frame.content().readableBytes() < MIN_COMPRESSED_BYTES;
        }

        @Override
        public WebSocketExtensionFilter decoderFilter() {
            return WebSocketExtensionFilter.NEVER_SKIP;
        }
    };

    private final String offer;
    private final int maxMessageBytes;

    /**
     * @param offer the client's {@code Sec-WebSocket-Extensions} header (null when it sent none)
     * @param maxMessageBytes the most one message may inflate to; more fails the connection
     */
    BoundedDeflate(String offer, int maxMessageBytes) {
        this.offer = offer;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
        if (message instanceof HttpResponse response && HttpResponseStatus.SWITCHING_PROTOCOLS.equals(response.status())) {
            WebSocketServerExtension extension = agree();
            if (extension != null) {
                response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, headerValue(extension.newReponseData()));
            }
            promise.addListener(written -> {
                if (written.isSuccess() && extension != null) {
                    String decoder = ctx.name() + "-decoder";
                    ctx.pipeline().addAfter(ctx.name(), decoder, extension.newExtensionDecoder());
                    ctx.pipeline().addAfter(decoder, ctx.name() + "-encoder", extension.newExtensionEncoder());
                }
                ctx.pipeline().remove(this);
            });
        }
        ctx.write(message, promise);
    }

    /** The first permessage-deflate offer the gateway can accept, or null (then no compression). */
    private WebSocketServerExtension agree() {
        if (offer == null) {
            return null;
        }
        PerMessageDeflateServerExtensionHandshaker handshaker = new PerMessageDeflateServerExtensionHandshaker(LEVEL,
                ZlibCodecFactory.isSupportingWindowSizeAndMemLevel(), PerMessageDeflateServerExtensionHandshaker.MAX_WINDOW_SIZE,
                true, true, SMALL_FRAMES_UNCOMPRESSED, maxMessageBytes);
        List<WebSocketExtensionData> offers;
        try {
            offers = WebSocketExtensionUtil.extractExtensions(offer);
        } catch (RuntimeException malformed) {
            return null;
        }
        for (WebSocketExtensionData data : offers) {
            if (!EXTENSION.equals(data.name())) {
                continue;
            }
            Map<String, String> parameters = new LinkedHashMap<>(data.parameters());
            parameters.put(SERVER_NO_CONTEXT, null);
            parameters.put(CLIENT_NO_CONTEXT, null);
            try {
                WebSocketServerExtension extension = handshaker.handshakeExtension(new WebSocketExtensionData(EXTENSION, parameters));
                if (extension != null) {
                    return extension;
                }
            } catch (NumberFormatException malformed) {
                // A window size that is not a number: this offer is not acceptable, the next may be.
            }
        }
        return null;
    }

    private static String headerValue(WebSocketExtensionData data) {
        StringBuilder value = new StringBuilder(data.name());
        data.parameters().forEach((name, parameterValue) -> {
            value.append("; ").append(name);
            if (parameterValue != null) {
                value.append('=').append(parameterValue);
            }
        });
        return value.toString();
    }
}
