package io.adengine.server;

import io.adengine.config.EdgeConfig;
import io.adengine.events.Impressions;
import io.adengine.index.Snapshot;
import io.adengine.match.AdRequest;
import io.adengine.match.Decision;
import io.adengine.match.Outcome;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The SDK-facing API: {@code POST /v1/ads} and {@code GET /health}. Stateless and shared by every
 * connection; per-thread scratch lives in the {@link ServingContext}. Answers are written here and
 * flushed once per read batch.
 */
@ChannelHandler.Sharable
final class PublicApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(PublicApiHandler.class);

    private final ServingContext context;
    private final AdAdmission admission;
    private final UserRequestRate userRate;
    private final EdgeConfig.WhenExceeded whenRateExceeded;
    private final RateLimitedLog failures;

    /** Without admission control or user rate limit (handler tests). */
    PublicApiHandler(ServingContext context) {
        this(context, AdAdmission.OFF, UserRequestRate.OFF, EdgeConfig.WhenExceeded.NO_FILL, EdgeConfig.REPEATED_LOG_INTERVAL_MILLIS_DEFAULT);
    }

    PublicApiHandler(ServingContext context, AdAdmission admission, UserRequestRate userRate, EdgeConfig.WhenExceeded whenRateExceeded,
                     long repeatedLogIntervalMillis) {
        this.context = context;
        this.admission = admission;
        this.userRate = userRate;
        this.whenRateExceeded = whenRateExceeded;
        this.failures = new RateLimitedLog(LOG, RateLimitedLog.Level.ERROR, repeatedLogIntervalMillis);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        long start = System.nanoTime();
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.decoderResult().isFailure()) {
            // A body that broke off mid-chunk; a bad request line or headers are answered by MalformedRequests.
            HttpResponses.send(ctx, HttpResponses.error(ctx, new ApiError(HttpResponseStatus.BAD_REQUEST, "bad_http",
                    "the request is not valid HTTP/1.1", null)), false);
            return;
        }
        String path = Routes.path(request.uri());
        switch (path) {
            case "/v1/ads" -> {
                if (!request.method().equals(HttpMethod.POST)) {
                    HttpResponses.send(ctx, Routes.methodNotAllowed(ctx, "POST"), keepAlive);
                    return;
                }
                serveAds(ctx, request, keepAlive, start);
            }
            case "/health" -> {
                if (!request.method().equals(HttpMethod.GET)) {
                    HttpResponses.send(ctx, Routes.methodNotAllowed(ctx, "GET"), keepAlive);
                    return;
                }
                HttpResponses.send(ctx, Routes.health(ctx, context), keepAlive);
            }
            default -> {
                if (context.trackers.isEmpty() || !context.trackers.get().handle(ctx, request, path, keepAlive)) {
                    HttpResponses.send(ctx, Routes.notFound(ctx, path), keepAlive);
                }
            }
        }
    }

    /**
     * The serving path, top to bottom: parse, decide, mint the impressions (ids and signed trackers), render,
     * send, then report the served ads (reservations and served events). An answer that fails to render
     * reserves and records nothing.
     */
    private void serveAds(ChannelHandlerContext ctx, FullHttpRequest http, boolean keepAlive, long start) {
        if (!admission.admit(ctx)) {
            HttpResponses.send(ctx, admission.shed(), keepAlive);
            context.metrics.count(ServingMetrics.RequestOutcome.SHED);
            return;
        }
        ServingContext.Scratch s = context.scratch();
        ByteBuf content = http.content();
        int length = content.readableBytes();
        content.getBytes(content.readerIndex(), s.body, 0, length);
        AdRequest request = s.request;
        ApiError error = s.parser.parse(s.body, length, request);
        Snapshot snapshot = context.snapshots.current();
        if (error == null && snapshot.adSpace(request.adSpaceId()) == null) {
            error = new ApiError(HttpResponseStatus.BAD_REQUEST, "unknown_ad_space",
                    "no ad space with id " + request.adSpaceId(), "adSpaceId");
        }
        if (error != null) {
            HttpResponses.send(ctx, HttpResponses.error(ctx, error), keepAlive);
            context.metrics.record(ServingMetrics.RequestOutcome.BAD_REQUEST, 0, System.nanoTime() - start);
            return;
        }
        // Explain tells a competitor's reasons (budget, targeting) and the catalog's size: admin port only.
        request.explain(false).explainAdGroupId(0);
        if (userRate.enabled()) {
            long wait = userRate.waitNanos(request.gaid());
            if (wait > 0) {
                HttpResponses.send(ctx, overRate(ctx, wait), keepAlive);
                context.metrics.count(ServingMetrics.RequestOutcome.RATE_LIMITED);
                return;
            }
        }
        if (request.requestId() == null) {
            request.requestId(Long.toHexString(ThreadLocalRandom.current().nextLong()));
        }
        request.nowMillis(context.clock.getAsLong()).seed(context.seeds.getAsLong());
        Decision decision = s.decider.decide(snapshot, request, s.decision);
        if (decision.outcome() != Outcome.FILLED) {
            HttpResponses.send(ctx, HttpResponses.empty(HttpResponseStatus.NO_CONTENT), keepAlive);
            context.metrics.record(ServingMetrics.RequestOutcome.NO_FILL, 0, System.nanoTime() - start);
            return;
        }
        Impressions impressions = context.mint.mint(snapshot, request, decision, s.impressions);
        ByteBuf body = ctx.alloc().buffer(1024);
        try {
            context.writer.write(snapshot, request, decision, impressions, body);
        } catch (IOException | RuntimeException e) {
            body.release();
            throw new IllegalStateException("could not render the ad answer", e);
        }
        HttpResponses.send(ctx, HttpResponses.json(HttpResponseStatus.OK, body), keepAlive);
        context.served.served(snapshot, request, decision, impressions);
        context.metrics.record(decision.filled() > 0 ? ServingMetrics.RequestOutcome.FILLED : ServingMetrics.RequestOutcome.NO_FILL,
                decision.filled(), System.nanoTime() - start);
    }

    /** The answer to a request over its user's rate limit: 204 as if nothing filled, or 429 with the wait. */
    private FullHttpResponse overRate(ChannelHandlerContext ctx, long waitNanos) {
        if (whenRateExceeded == EdgeConfig.WhenExceeded.NO_FILL) {
            return HttpResponses.empty(HttpResponseStatus.NO_CONTENT);
        }
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + TimeUnit.SECONDS.toNanos(1) - 1));
        FullHttpResponse r = HttpResponses.error(ctx, new ApiError(HttpResponseStatus.TOO_MANY_REQUESTS, "rate_limited",
                "too many ad requests for this user (server.userRateLimit); retry after " + seconds + " s", null));
        r.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(seconds));
        return r;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (ClientGone.is(cause)) {
            ClientGone.log(LOG, cause);
            ctx.close();
            return;
        }
        // The cause may quote request content; log only its type and where it came from.
        failures.log("ad request failed: {} at {}", cause.getClass().getName(),
                cause.getStackTrace().length > 0 ? cause.getStackTrace()[0] : "?");
        context.metrics.record(ServingMetrics.RequestOutcome.ERROR, 0, 0);
        if (ctx.channel().isActive()) {
            HttpResponses.send(ctx, HttpResponses.error(ctx, new ApiError(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "internal_error", "the engine could not answer this request", null)), false);
        }
    }
}
