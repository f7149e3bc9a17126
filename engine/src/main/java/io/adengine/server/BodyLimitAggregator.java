package io.adengine.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Aggregates request bodies up to the configured limit and answers a larger one with a JSON 413 that
 * names the limit, then closes the connection (the rest of the body is not worth reading).
 */
final class BodyLimitAggregator extends HttpObjectAggregator {

    private final int maxBodyBytes;

    BodyLimitAggregator(int maxBodyBytes) {
        super(maxBodyBytes);
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        HttpResponses.send(ctx, HttpResponses.error(ctx, new ApiError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "body_too_large", "the request body is larger than the limit of " + maxBodyBytes + " bytes", null)), false);
    }
}
