package io.adengine.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a server (listening) channel: a failed accept (EMFILE "too many open files",
 * ENFILE, ENOBUFS) is counted and logged at most once per {@code server.repeatedLogIntervalMillis}, instead
 * of one WARN per attempt from Netty's pipeline tail. Netty's acceptor, ahead of this handler, has
 * already paused accepting for a second, so the loop does not spin on the full backlog.
 */
@ChannelHandler.Sharable
final class AcceptFailures extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(AcceptFailures.class);

    private final EdgeMetrics.Port metrics;
    private final RateLimitedLog log;

    AcceptFailures(EdgeMetrics.Port metrics, long intervalMillis) {
        this.metrics = metrics;
        this.log = new RateLimitedLog(LOG, RateLimitedLog.Level.WARN, intervalMillis);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        metrics.acceptFailed();
        log.log("{} port: accepting a connection failed: {}", metrics.name, cause.getMessage());
    }
}
