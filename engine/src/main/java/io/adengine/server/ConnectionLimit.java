package io.adengine.server;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connection limit of one port ({@code server.publicMaxConnections} / {@code server.adminMaxConnections}).
 * At the limit a new connection takes the place of an idle one (waiting for a request, or still sending
 * its headers: a legitimate client sends them in one packet), so a flood of idle connections cannot lock
 * out clients with real requests; when every connection is busy the new one is closed at once, before
 * anything is read from it. Connections in the middle of a body or being answered are never closed to
 * make room (their own deadlines bound them). Shared by the port's event loops; no locks.
 */
final class ConnectionLimit {

    /** Connections looked at for an idle one to close; under an idle flood the first few are idle. */
    static final int EVICTION_SCAN = 64;

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final ChannelGroup channels;
    private final EdgeMetrics.Port metrics;

    ConnectionLimit(String port, int max, EdgeMetrics metrics) {
        this.max = max;
        this.channels = new DefaultChannelGroup(port, GlobalEventExecutor.INSTANCE);
        this.metrics = metrics.port(port, open::get);
    }

    EdgeMetrics.Port metrics() {
        return metrics;
    }

    /**
     * Called once per accepted connection, on its event loop, before its pipeline is built. Returns
     * false when the connection was refused (and closed).
     */
    boolean admit(Channel channel) {
        if (open.incrementAndGet() > max && !closeAnIdleConnection()) {
            open.decrementAndGet();
            metrics.closed(EdgeMetrics.CloseReason.OVER_LIMIT);
            RequestDeadline.close(channel);
            return false;
        }
        channel.closeFuture().addListener(f -> open.decrementAndGet());
        channels.add(channel);
        return true;
    }

    /** Open connections (including those being closed to make room). */
    int open() {
        return open.get();
    }

    private boolean closeAnIdleConnection() {
        int looked = 0;
        for (Channel c : channels) {
            if (looked++ == EVICTION_SCAN) {
                return false;
            }
            RequestDeadline deadline = c.attr(RequestDeadline.KEY).get();
            if (deadline != null && deadline.claimEviction()) {
                metrics.closed(EdgeMetrics.CloseReason.EVICTED_IDLE);
                RequestDeadline.close(c);
                return true;
            }
        }
        return false;
    }
}
