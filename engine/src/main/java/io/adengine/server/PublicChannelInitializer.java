package io.adengine.server;

import io.adengine.config.EdgeConfig;
import io.adengine.config.EngineConfig;
import io.adengine.config.OpenRtbConfig;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * Pipeline of the public port: the connection limit (a refused connection gets no pipeline and is never
 * read), the idle timeout, the request deadlines around the HTTP/1.1 codec (request line and header
 * limits), the answer to undecodable requests, the body limit, the OpenRTB bidder endpoint and the API handler.
 */
final class PublicChannelInitializer extends ChannelInitializer<SocketChannel> {

    private final ServingContext context;
    private final EdgeConfig edge;
    private final ConnectionLimit limit;
    private final PublicApiHandler handler;
    private final MalformedRequests malformed;
    private final OpenRtbHandler openRtb;

    PublicChannelInitializer(ServingContext context, EdgeConfig edge, ConnectionLimit limit, AdAdmission admission, UserRequestRate userRate,
                             OpenRtbConfig openRtbConfig, EngineConfig.AuctionConfig auction) {
        this.context = context;
        this.edge = edge;
        this.limit = limit;
        this.handler = new PublicApiHandler(context, admission, userRate, edge.userRateLimit().whenExceeded(), edge.repeatedLogIntervalMillis());
        this.malformed = new MalformedRequests(edge.maxRequestLineBytes(), edge.maxHeaderBytes());
        this.openRtb = new OpenRtbHandler(context, openRtbConfig, auction, admission);
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (!limit.admit(ch)) {
            return;
        }
        RequestDeadline deadline = new RequestDeadline(edge.headerTimeoutMillis(), edge.bodyTimeoutMillis(), limit.metrics());
        ch.attr(RequestDeadline.KEY).set(deadline);
        ch.pipeline()
                .addLast(new IdleStateHandler(edge.idleTimeoutMillis(), 0, 0, TimeUnit.MILLISECONDS))
                .addLast(deadline.firstByte())
                .addLast(codec(edge))
                .addLast(deadline.messages())
                .addLast(malformed)
                .addLast(new BodyLimitAggregator(context.maxBodyBytes))
                .addLast(openRtb)
                .addLast(handler);
    }

    /** The HTTP/1.1 codec with the configured request line and header limits. */
    static HttpServerCodec codec(EdgeConfig edge) {
        return new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(edge.maxRequestLineBytes())
                .setMaxHeaderSize(edge.maxHeaderBytes()));
    }
}
