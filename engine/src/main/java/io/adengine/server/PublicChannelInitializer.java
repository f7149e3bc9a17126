package io.adengine.server;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;

/** Pipeline of the public port: HTTP/1.1 codec, body limit, the API handler. */
final class PublicChannelInitializer extends ChannelInitializer<SocketChannel> {

    private final ServingContext context;
    private final PublicApiHandler handler;

    PublicChannelInitializer(ServingContext context) {
        this.context = context;
        this.handler = new PublicApiHandler(context);
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline()
                .addLast(new HttpServerCodec())
                .addLast(new BodyLimitAggregator(context.maxBodyBytes))
                .addLast(handler);
    }
}
