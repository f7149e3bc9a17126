package io.adengine.server;

import io.adengine.config.EdgeConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Admission control of {@code POST /v1/ads} ({@code server.admission}): an ad request is shed with 503
 * {@code overloaded} and {@code Retry-After} when its event loop's queueing delay is above the budget,
 * before its body is parsed, so a shed request costs little more than reading it.
 *
 * <p>The queueing delay of a loop is measured by a probe task the loop runs every millisecond while it
 * serves ad requests: Netty runs scheduled tasks between its I/O cycles, so a probe that runs late by
 * {@code d} means the loop spent {@code d} on one cycle of reading and answering ready connections, about
 * what a request arriving now waits before the loop reads it. Like CoDel, only a <em>standing</em> delay
 * sheds: the smallest lateness of the last {@value #WINDOW} probes must be above the budget. One long
 * cycle (the thread descheduled for a few milliseconds, a collector pause) raises one probe's lateness but
 * not its neighbours', so it sheds nothing; an overload makes every cycle long. Shed requests shorten the
 * next cycles, so the delay of admitted requests stays near the budget whatever the offered load. The probe
 * stops after a second without ad requests (an idle engine does not wake up every millisecond) and starts
 * again with the next one.
 *
 * <p>Everything runs on the loop's own thread: plain fields, no locks, no allocation per request.
 */
final class AdAdmission {

    static final long PROBE_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Probe periods without an ad request after which the probe stops. */
    static final int QUIET_PROBES_BEFORE_STOP = 1_000;
    /** How many of the latest probes must all have run late for the delay to count as standing. */
    static final int WINDOW = 4;

    /** Admits everything. */
    static final AdAdmission OFF = new AdAdmission(new EdgeConfig.Admission(0, 1));

    private final boolean enabled;
    private final long budgetNanos;
    private final ByteBuf shedBody;
    private final String retryAfter;
    private final FastThreadLocal<LoopDelay> delays = new FastThreadLocal<>() {
        @Override
        protected LoopDelay initialValue() {
            return new LoopDelay();
        }
    };

    AdAdmission(EdgeConfig.Admission config) {
        this.enabled = config.enabled();
        this.budgetNanos = TimeUnit.MILLISECONDS.toNanos(config.maxQueueMillis());
        this.retryAfter = Integer.toString(config.retryAfterSeconds());
        byte[] body = ("{\"error\":{\"code\":\"overloaded\",\"message\":\"the engine is over capacity; retry after "
                + config.retryAfterSeconds() + " s\",\"field\":null}}").getBytes(StandardCharsets.US_ASCII);
        // A wrapped array is not leak-tracked and needs no release: one per engine, shared by every shed answer.
        this.shedBody = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(body)).asReadOnly();
    }

    /** Whether an ad request read now on this context's loop is served (false: answer {@link #shed()}). */
    boolean admit(ChannelHandlerContext ctx) {
        return !enabled || delays.get().delayNanos(ctx.executor()) <= budgetNanos;
    }

    /** The answer to a shed request: 503 with {@code Retry-After}, the connection kept. */
    FullHttpResponse shed() {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SERVICE_UNAVAILABLE, shedBody.duplicate());
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, shedBody.readableBytes())
                .set(HttpHeaderNames.RETRY_AFTER, retryAfter);
        return r;
    }

    /** The current queueing-delay estimate of the calling loop, in nanoseconds (for tests and metrics). */
    long delayNanos(EventExecutor loop) {
        return delays.get().delayNanos(loop);
    }

    /** One event loop's probe and its last measurement. Touched only by that loop's thread. */
    private static final class LoopDelay implements Runnable {
        private EventExecutor loop;
        private ScheduledFuture<?> probe;
        private long dueNanos;
        private final long[] lags = new long[WINDOW];
        private int next;
        /** The smallest lateness of the last {@link #WINDOW} probes: the standing delay. */
        private long standingNanos;
        private int requests;
        private int quietProbes;

        long delayNanos(EventExecutor executor) {
            long now = executor.ticker().nanoTime();
            requests++;
            if (probe == null) {
                loop = executor;
                java.util.Arrays.fill(lags, 0);
                standingNanos = 0;
                quietProbes = 0;
                dueNanos = now + PROBE_PERIOD_NANOS;
                probe = executor.scheduleWithFixedDelay(this, PROBE_PERIOD_NANOS, PROBE_PERIOD_NANOS, TimeUnit.NANOSECONDS);
                return 0;
            }
            return standingNanos;
        }

        @Override
        public void run() {
            long now = loop.ticker().nanoTime();
            lags[next] = Math.max(0, now - dueNanos);
            next = (next + 1) % WINDOW;
            long min = Long.MAX_VALUE;
            for (long lag : lags) {
                min = Math.min(min, lag);
            }
            standingNanos = min;
            dueNanos = now + PROBE_PERIOD_NANOS;
            if (requests > 0) {
                requests = 0;
                quietProbes = 0;
            } else if (++quietProbes >= QUIET_PROBES_BEFORE_STOP) {
                probe.cancel(false);
                probe = null;
            }
        }
    }
}
