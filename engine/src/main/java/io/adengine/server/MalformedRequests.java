package io.adengine.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;

/**
 * Answers a request the HTTP codec could not decode, right after the codec and before any handler: 414
 * {@code uri_too_long} for a request line over {@code server.maxRequestLineBytes}, 431
 * {@code headers_too_large} for headers over {@code server.maxHeaderBytes}, otherwise 400 {@code bad_http};
 * then closes the connection (the codec discards the rest of its input anyway).
 */
@ChannelHandler.Sharable
final class MalformedRequests extends ChannelInboundHandlerAdapter {

    private final int maxRequestLineBytes;
    private final int maxHeaderBytes;

    MalformedRequests(int maxRequestLineBytes, int maxHeaderBytes) {
        this.maxRequestLineBytes = maxRequestLineBytes;
        this.maxHeaderBytes = maxHeaderBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpObject http && http.decoderResult().isFailure()) {
            Throwable cause = http.decoderResult().cause();
            ReferenceCountUtil.release(msg);
            if (ctx.channel().isActive()) {
                HttpResponses.send(ctx, HttpResponses.error(ctx, error(cause)), false);
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    ApiError error(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return new ApiError(HttpResponseStatus.REQUEST_URI_TOO_LONG, "uri_too_long",
                    "the request line is longer than the limit of " + maxRequestLineBytes + " bytes (server.maxRequestLineBytes)", null);
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return new ApiError(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large",
                    "the request headers are larger than the limit of " + maxHeaderBytes + " bytes (server.maxHeaderBytes)", null);
        }
        return new ApiError(HttpResponseStatus.BAD_REQUEST, "bad_http", "the request is not valid HTTP/1.1", null);
    }
}
