package io.adengine.server;

import io.adengine.config.EdgeConfig;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Pipeline of the admin port: its own connection limit, the idle timeout, request deadlines (a longer body
 * deadline, for audience uploads) around the HTTP/1.1 codec, the answer to undecodable requests, the
 * streaming audience routes, the body limit, the admin handler.
 */
final class AdminChannelInitializer extends ChannelInitializer<SocketChannel> {

    private final ServingContext context;
    private final EdgeConfig edge;
    private final ConnectionLimit limit;
    private final Executor audienceWork;
    private final AdminApiHandler handler;
    private final MalformedRequests malformed;

    AdminChannelInitializer(ServingContext context, EdgeConfig edge, ConnectionLimit limit, Executor audienceWork) {
        this.context = context;
        this.edge = edge;
        this.limit = limit;
        this.audienceWork = audienceWork;
        this.handler = new AdminApiHandler(context, edge.repeatedLogIntervalMillis());
        this.malformed = new MalformedRequests(edge.maxRequestLineBytes(), edge.maxHeaderBytes());
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (!limit.admit(ch)) {
            return;
        }
        RequestDeadline deadline = new RequestDeadline(edge.headerTimeoutMillis(), edge.adminBodyTimeoutMillis(), limit.metrics());
        ch.attr(RequestDeadline.KEY).set(deadline);
        ch.pipeline()
                .addLast(new IdleStateHandler(edge.idleTimeoutMillis(), 0, 0, TimeUnit.MILLISECONDS))
                .addLast(deadline.firstByte())
                .addLast(PublicChannelInitializer.codec(edge))
                .addLast(deadline.messages())
                .addLast(malformed)
                .addLast(new AudienceAdminHandler(context.audiences, context.adminToken, audienceWork))
                .addLast(new BodyLimitAggregator(context.maxBodyBytes))
                .addLast(handler);
    }
}
