package io.adengine.server;

import io.adengine.index.Snapshot;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

/** Small responses shared by both ports. */
final class Routes {

    private Routes() {
    }

    /** The path of a request URI, without its query. */
    static String path(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    /** {@code GET /health}: 200 ok, or 503 with the reason while the engine is not ready (a cluster replica catching up). */
    static FullHttpResponse health(ChannelHandlerContext ctx, ServingContext context) {
        Snapshot snapshot = context.snapshots.current();
        java.util.Optional<String> notReady = context.notReady.get();
        if (notReady.isPresent()) {
            ByteBuf body = ByteBufUtil.writeUtf8(ctx.alloc(), "{\"status\":\"not_ready\",\"reason\":"
                    + com.fasterxml.jackson.databind.node.TextNode.valueOf(notReady.get()) + ",\"catalogVersion\":" + snapshot.version()
                    + ",\"adGroups\":" + snapshot.adGroupCount() + "}");
            FullHttpResponse r = HttpResponses.json(HttpResponseStatus.SERVICE_UNAVAILABLE, body);
            r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
            return r;
        }
        return health(ctx, snapshot);
    }

    static FullHttpResponse health(ChannelHandlerContext ctx, Snapshot snapshot) {
        ByteBuf body = ByteBufUtil.writeUtf8(ctx.alloc(),
                "{\"status\":\"ok\",\"catalogVersion\":" + snapshot.version() + ",\"adGroups\":" + snapshot.adGroupCount() + "}");
        return HttpResponses.json(HttpResponseStatus.OK, body);
    }

    static FullHttpResponse notFound(ChannelHandlerContext ctx, String path) {
        String shown = path.length() > 64 ? path.substring(0, 64) + "…" : path;
        return HttpResponses.error(ctx, new ApiError(HttpResponseStatus.NOT_FOUND, "not_found", "no such path: " + shown, null));
    }

    static FullHttpResponse methodNotAllowed(ChannelHandlerContext ctx, String allowed) {
        FullHttpResponse r = HttpResponses.error(ctx, new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                "this path accepts " + allowed + " only", null));
        r.headers().set(HttpHeaderNames.ALLOW, allowed);
        return r;
    }
}
