package io.adengine.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * The deadlines of one connection: a request's line and headers must arrive within the header timeout of
 * its first byte, its body within the body timeout of its headers (slowloris and slow-body clients are
 * closed at the deadline, however steadily they trickle bytes); a connection idle between requests (or
 * that never sent one) is closed when Netty's {@link io.netty.handler.timeout.IdleStateHandler} reports
 * nothing read for the idle timeout. While the engine itself works on a request (between its last byte
 * and its answer) no deadline runs.
 *
 * <p>Two handlers share this state: {@link #firstByte()} before the HTTP codec sees raw bytes (the start
 * of a request), {@link #messages()} after it sees the parsed request, its end, and the answer going out.
 * One check task is pending at a time and rescheduled only when it fires, at most the shorter timeout
 * ahead, so a request costs no scheduling and a deadline is never checked late.
 *
 * <p>The phase is also read by other event loops: {@link ConnectionLimit} may close a connection that is
 * {@link #evictable()} to make room for a new one.
 */
final class RequestDeadline {

    /** Where each channel keeps its deadline, for {@link ConnectionLimit}. */
    static final AttributeKey<RequestDeadline> KEY = AttributeKey.valueOf(RequestDeadline.class, "deadline");

    /** Waiting for the first byte of a request (or of the first one). */
    static final int IDLE = 0;
    /** A request started; its line and headers are not complete. */
    static final int HEADERS = 1;
    /** Headers complete, body still arriving. */
    static final int BODY = 2;
    /** The request is complete; the engine is answering. */
    static final int HANDLING = 3;
    /** Chosen to make room for a new connection; closing. */
    static final int EVICTED = 4;

    private static final VarHandle PHASE;

    static {
        try {
            PHASE = MethodHandles.lookup().findVarHandle(RequestDeadline.class, "phase", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final long NONE = Long.MAX_VALUE;

    private final long headerNanos;
    private final long bodyNanos;
    private final long checkAheadNanos;
    private final EdgeMetrics.Port metrics;
    @SuppressWarnings("unused") // accessed through PHASE
    private volatile int phase = IDLE;
    // Touched only on the channel's event loop.
    private long deadlineNanos = NONE;
    private EdgeMetrics.CloseReason reasonAtDeadline;
    private int unanswered;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> check;
    private final Runnable checkTask = this::check;

    RequestDeadline(long headerTimeoutMillis, long bodyTimeoutMillis, EdgeMetrics.Port metrics) {
        this.headerNanos = TimeUnit.MILLISECONDS.toNanos(headerTimeoutMillis);
        this.bodyNanos = TimeUnit.MILLISECONDS.toNanos(bodyTimeoutMillis);
        this.checkAheadNanos = Math.min(headerNanos, bodyNanos);
        this.metrics = metrics;
    }

    /** The handler to place before the HTTP codec. */
    ChannelInboundHandlerAdapter firstByte() {
        return new FirstByte();
    }

    /** The handler to place right after the HTTP codec. */
    ChannelDuplexHandler messages() {
        return new Messages();
    }

    /** Whether the connection may be closed to make room: no request, or one whose headers are still arriving. */
    boolean evictable() {
        int p = (int) PHASE.getAcquire(this);
        return p == IDLE || p == HEADERS;
    }

    /** Marks the connection as evicted, unless it has moved on to a request in the meantime; true when it was claimed. */
    boolean claimEviction() {
        int p = (int) PHASE.getAcquire(this);
        return (p == IDLE || p == HEADERS) && PHASE.compareAndSet(this, p, EVICTED);
    }

    int phase() {
        return (int) PHASE.getAcquire(this);
    }

    private void phase(int p) {
        PHASE.setRelease(this, p);
    }

    private long now() {
        return ctx.executor().ticker().nanoTime();
    }

    private void arm(long timeoutNanos, EdgeMetrics.CloseReason reason) {
        deadlineNanos = now() + timeoutNanos;
        reasonAtDeadline = reason;
        if (check == null) {
            check = ctx.executor().schedule(checkTask, Math.min(timeoutNanos, checkAheadNanos), TimeUnit.NANOSECONDS);
        }
    }

    private void disarm() {
        deadlineNanos = NONE;
    }

    private void check() {
        check = null;
        if (deadlineNanos == NONE || !ctx.channel().isActive()) {
            return;
        }
        long left = deadlineNanos - now();
        if (left <= 0) {
            metrics.closed(reasonAtDeadline);
            close(ctx.channel());
            return;
        }
        // Never further ahead than the shorter timeout: a deadline armed meanwhile is then never checked late.
        check = ctx.executor().schedule(checkTask, Math.min(left, checkAheadNanos), TimeUnit.NANOSECONDS);
    }

    /** Closes with a reset: the client gets no answer (it sent no complete request) and no TIME_WAIT is left behind. */
    static void close(Channel channel) {
        channel.config().setOption(ChannelOption.SO_LINGER, 0);
        channel.close();
    }

    /** Before the codec: the first byte of a request starts its header deadline. */
    private final class FirstByte extends ChannelInboundHandlerAdapter {
        @Override
        public void handlerAdded(ChannelHandlerContext context) {
            if (ctx == null) {
                ctx = context;
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object msg) {
            if (msg instanceof ByteBuf && unanswered == 0 && phase() == IDLE) {
                phase(HEADERS);
                arm(headerNanos, EdgeMetrics.CloseReason.HEADER_TIMEOUT);
            }
            context.fireChannelRead(msg);
        }
    }

    /** After the codec: headers complete, body complete, answer written; and the idle timeout. */
    private final class Messages extends ChannelDuplexHandler {
        @Override
        public void handlerAdded(ChannelHandlerContext context) {
            if (ctx == null) {
                ctx = context;
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object msg) {
            if (msg instanceof HttpRequest) {
                phase(BODY);
                arm(bodyNanos, EdgeMetrics.CloseReason.BODY_TIMEOUT);
            }
            if (msg instanceof LastHttpContent) {
                unanswered++;
                phase(HANDLING);
                disarm();
            }
            context.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext context, Object msg, ChannelPromise promise) {
            if (msg instanceof LastHttpContent && !(msg instanceof HttpResponse r && r.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL)) {
                if (unanswered > 0) {
                    unanswered--;
                }
                if (unanswered == 0 && phase() == HANDLING) {
                    phase(IDLE);
                }
            }
            context.write(msg, promise);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext context, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                // Only a connection waiting for its next request is idle; one the engine is answering is not.
                if (phase() == IDLE && unanswered == 0) {
                    metrics.closed(EdgeMetrics.CloseReason.IDLE_TIMEOUT);
                    RequestDeadline.close(context.channel());
                }
                return;
            }
            super.userEventTriggered(context, evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) throws Exception {
            disarm();
            if (check != null) {
                check.cancel(false);
                check = null;
            }
            super.channelInactive(context);
        }
    }
}
