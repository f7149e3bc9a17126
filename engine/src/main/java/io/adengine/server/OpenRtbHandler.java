package io.adengine.server;

import io.adengine.config.EngineConfig;
import io.adengine.config.OpenRtbConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * The OpenRTB 2.6 bidder endpoint {@code POST /openrtb2/bid} of the public port, beside the SDK API: its own
 * handler ahead of {@link PublicApiHandler} in the pipeline, passing every other path on. A bid request (JSON,
 * optionally {@code Content-Encoding: gzip}) is answered 200 with a {@code BidResponse}, or 204 without a body when
 * nothing bids; with {@code ?nbr=1} on the endpoint URL a no-bid is instead 200 {@code {"id":…,"nbr":N}} (0: no ad
 * matched; 2: invalid request, e.g. no impression maps to an ad space or the currency has no rate). A body that is not
 * a bid request (not JSON, a field of the wrong type, no {@code id} or {@code imp}) is 400 without a body, as the
 * spec asks. Every answer carries {@code x-openrtb-version: 2.6}. Shed by admission control like {@code /v1/ads}. A
 * failure is handed on to {@link PublicApiHandler}, which logs it (type only) and answers 500.
 */
@ChannelHandler.Sharable
final class OpenRtbHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    static final String PATH = "/openrtb2/bid";
    static final String VERSION_HEADER = "x-openrtb-version";
    static final String VERSION = "2.6";

    private final ServingContext context;
    private final AdAdmission admission;
    private final OpenRtbBidder bidder;

    OpenRtbHandler(ServingContext context, OpenRtbConfig config, EngineConfig.AuctionConfig auction, AdAdmission admission) {
        super(false);
        this.context = context;
        this.admission = admission;
        this.bidder = new OpenRtbBidder(context, config, auction);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!Routes.path(request.uri()).equals(PATH) || request.decoderResult().isFailure()) {
            ctx.fireChannelRead(request);
            return;
        }
        try {
            serve(ctx, request);
        } finally {
            request.release();
        }
    }

    private void serve(ChannelHandlerContext ctx, FullHttpRequest http) {
        long start = System.nanoTime();
        boolean keepAlive = HttpUtil.isKeepAlive(http);
        if (!http.method().equals(HttpMethod.POST)) {
            send(ctx, Routes.methodNotAllowed(ctx, "POST"), keepAlive);
            return;
        }
        if (!admission.admit(ctx)) {
            send(ctx, admission.shed(), keepAlive);
            context.metrics.count(ServingMetrics.RequestOutcome.SHED);
            return;
        }
        boolean reasons;
        try {
            reasons = "1".equals(QueryParameters.of(http.uri()).one("nbr"));
        } catch (BadParameter e) {
            badRequest(ctx, keepAlive, start);
            return;
        }
        ServingContext.Scratch s = context.scratch();
        int length = body(http, s.body);
        if (length < 0) {
            badRequest(ctx, keepAlive, start);
            return;
        }
        OpenRtbRequest rtb;
        try {
            rtb = OpenRtbRequest.parse(s.body, length);
        } catch (OpenRtbRequest.Invalid e) {
            badRequest(ctx, keepAlive, start);
            return;
        }
        OpenRtbBidder.Answer answer;
        try {
            answer = bidder.bid(rtb);
        } catch (IOException e) {
            throw new IllegalStateException("could not render the bid response", e);
        }
        if (answer.body() != null) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(answer.body()));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
            send(ctx, r, keepAlive);
            context.metrics.record(ServingMetrics.RequestOutcome.FILLED, 1, System.nanoTime() - start);
            return;
        }
        if (reasons) {
            byte[] body = OpenRtbBidder.noBid(rtb.id, answer.noBidReason());
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            send(ctx, r, keepAlive);
        } else {
            send(ctx, HttpResponses.empty(HttpResponseStatus.NO_CONTENT), keepAlive);
        }
        context.metrics.record(ServingMetrics.RequestOutcome.NO_FILL, 0, System.nanoTime() - start);
    }

    /**
     * Copies the body (inflated when {@code Content-Encoding: gzip}) into {@code into}; returns its length, or -1 when
     * it is not valid gzip, uses another encoding, or inflates to more than the buffer (the body limit).
     */
    static int body(FullHttpRequest http, byte[] into) {
        ByteBuf content = http.content();
        String encoding = http.headers().get(HttpHeaderNames.CONTENT_ENCODING);
        if (encoding == null || encoding.equalsIgnoreCase("identity")) {
            int length = content.readableBytes();
            content.getBytes(content.readerIndex(), into, 0, length);
            return length;
        }
        if (!encoding.equalsIgnoreCase("gzip")) {
            return -1;
        }
        try (InputStream in = new GZIPInputStream(new ByteBufInputStream(content.duplicate()), 4096)) {
            int n = 0;
            int r;
            while (n < into.length && (r = in.read(into, n, into.length - n)) > 0) {
                n += r;
            }
            return n == into.length && in.read() >= 0 ? -1 : n;
        } catch (IOException e) {
            return -1;
        }
    }

    private void badRequest(ChannelHandlerContext ctx, boolean keepAlive, long start) {
        send(ctx, HttpResponses.empty(HttpResponseStatus.BAD_REQUEST), keepAlive);
        context.metrics.record(ServingMetrics.RequestOutcome.BAD_REQUEST, 0, System.nanoTime() - start);
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        response.headers().set(VERSION_HEADER, VERSION);
        HttpResponses.send(ctx, response, keepAlive);
    }

}
