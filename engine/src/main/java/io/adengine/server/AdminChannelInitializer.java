package io.adengine.server;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;

/** Pipeline of the admin port: HTTP/1.1 codec, body limit, the admin handler. */
final class AdminChannelInitializer extends ChannelInitializer<SocketChannel> {

    private final ServingContext context;
    private final AdminApiHandler handler;

    AdminChannelInitializer(ServingContext context) {
        this.context = context;
        this.handler = new AdminApiHandler(context);
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline()
                .addLast(new HttpServerCodec())
                .addLast(new AudienceAdminHandler(context.audiences, context.adminToken))
                .addLast(new BodyLimitAggregator(context.maxBodyBytes))
                .addLast(handler);
    }
}
