package io.adengine.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.adengine.index.Snapshot;
import io.adengine.match.AdDecider;
import io.adengine.match.AdRequest;
import io.adengine.match.Decision;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
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
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The admin API, behind a bearer token (401 without one, 403 with a wrong one; compared in constant
 * time): {@code GET /metrics} (Prometheus text), {@code POST /v1/admin/explain} (an ad request body plus
 * {@code explainAdGroupId}: why each stage removed what it did, and why that group did not serve) and
 * {@code GET /health}.
 */
@ChannelHandler.Sharable
final class AdminApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(AdminApiHandler.class);
    private static final JsonFactory FACTORY = new JsonFactory();

    /** Who the admin token stands for in the operation log when no X-Operator header names a person. */
    static final String TOKEN_IDENTITY = "admin-token";

    private final ServingContext context;
    private final byte[] expectedAuthorization;
    private final RateLimitedLog failures;

    /** With the default interval of repeated-error lines (handler tests). */
    AdminApiHandler(ServingContext context) {
        this(context, io.adengine.config.EdgeConfig.REPEATED_LOG_INTERVAL_MILLIS_DEFAULT);
    }

    AdminApiHandler(ServingContext context, long repeatedLogIntervalMillis) {
        this.context = context;
        this.expectedAuthorization = ("Bearer " + context.adminToken).getBytes(StandardCharsets.UTF_8);
        this.failures = new RateLimitedLog(LOG, RateLimitedLog.Level.ERROR, repeatedLogIntervalMillis);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws IOException {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.decoderResult().isFailure()) {
            HttpResponses.send(ctx, HttpResponses.error(ctx, new ApiError(HttpResponseStatus.BAD_REQUEST, "bad_http",
                    "the request is not valid HTTP/1.1", null)), false);
            return;
        }
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            FullHttpResponse r = HttpResponses.error(ctx, new ApiError(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                    "send Authorization: Bearer <admin token>", null));
            r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            HttpResponses.send(ctx, r, keepAlive);
            return;
        }
        if (!MessageDigest.isEqual(authorization.getBytes(StandardCharsets.UTF_8), expectedAuthorization)) {
            HttpResponses.send(ctx, HttpResponses.error(ctx, new ApiError(HttpResponseStatus.FORBIDDEN, "forbidden",
                    "the admin token is not valid", null)), keepAlive);
            return;
        }
        String path = Routes.path(request.uri());
        switch (path) {
            case "/metrics" -> {
                if (!request.method().equals(HttpMethod.GET)) {
                    HttpResponses.send(ctx, Routes.methodNotAllowed(ctx, "GET"), keepAlive);
                    return;
                }
                ByteBuf body = ctx.alloc().buffer(4096);
                try (OutputStream out = new ByteBufOutputStream(body)) {
                    context.metrics.writeText(out);
                } catch (IOException | RuntimeException e) {
                    body.release();
                    throw e;
                }
                FullHttpResponse r = HttpResponses.json(HttpResponseStatus.OK, body);
                r.headers().set(HttpHeaderNames.CONTENT_TYPE, ServingMetrics.contentType());
                HttpResponses.send(ctx, r, keepAlive);
            }
            case "/v1/admin/explain" -> {
                if (!request.method().equals(HttpMethod.POST)) {
                    HttpResponses.send(ctx, Routes.methodNotAllowed(ctx, "POST"), keepAlive);
                    return;
                }
                explain(ctx, request, keepAlive);
            }
            case "/health" -> HttpResponses.send(ctx, Routes.health(ctx, context), keepAlive);
            case AssetReports.PATH -> AssetReports.handle(context, ctx, request, keepAlive);
            default -> {
                if (context.catalogAdmin.isPresent() && CatalogAdminHandler.handles(path)) {
                    context.catalogAdmin.get().handle(ctx, request, TOKEN_IDENTITY);
                } else if (context.reports.isEmpty() || !context.reports.get().handle(ctx, request, path, keepAlive)) {
                    HttpResponses.send(ctx, Routes.notFound(ctx, path), keepAlive);
                }
            }
        }
    }

    private void explain(ChannelHandlerContext ctx, FullHttpRequest http, boolean keepAlive) throws IOException {
        ServingContext.Scratch s = context.scratch();
        ByteBuf content = http.content();
        int length = content.readableBytes();
        content.getBytes(content.readerIndex(), s.body, 0, length);
        AdRequest request = s.request;
        ApiError error = s.parser.parse(s.body, length, request);
        Snapshot snapshot = context.snapshots.current();
        if (error == null && snapshot.adSpace(request.adSpaceId()) == null) {
            error = new ApiError(HttpResponseStatus.BAD_REQUEST, "unknown_ad_space", "no ad space with id " + request.adSpaceId(), "adSpaceId");
        }
        if (error != null) {
            HttpResponses.send(ctx, HttpResponses.error(ctx, error), keepAlive);
            return;
        }
        request.explain(true).nowMillis(context.clock.getAsLong()).seed(context.seeds.getAsLong());
        Decision decision = s.decider.decide(snapshot, request, s.decision);
        ByteBuf body = ctx.alloc().buffer(1024);
        try (JsonGenerator g = FACTORY.createGenerator((OutputStream) new ByteBufOutputStream(body))) {
            g.writeStartObject();
            g.writeNumberField("catalogVersion", snapshot.version());
            g.writeArrayFieldStart("winners");
            for (int i = 0; i < decision.filled(); i++) {
                g.writeStartObject();
                g.writeNumberField("adGroupId", AdDecider.group(snapshot, decision, i).id());
                g.writeNumberField("ecpmMicros", decision.ecpm(i));
                g.writeNumberField("clearingCpmMicros", decision.clearingCpm(i));
                g.writeNumberField("pctrPpm", decision.ctrPpm(i));
                g.writeNumberField("pcvrPpm", decision.cvrPpm(i));
                g.writeNumberField("creativeId", decision.creative(i).id());
                g.writeEndObject();
            }
            g.writeEndArray();
            AdResponseWriter.writeExplain(g, decision.explain());
            g.writeEndObject();
        } catch (IOException | RuntimeException e) {
            body.release();
            throw e;
        }
        HttpResponses.send(ctx, HttpResponses.json(HttpResponseStatus.OK, body), keepAlive);
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
        failures.log("admin request failed: {} at {}", cause.getClass().getName(),
                cause.getStackTrace().length > 0 ? cause.getStackTrace()[0] : "?");
        if (ctx.channel().isActive()) {
            HttpResponses.send(ctx, HttpResponses.error(ctx, new ApiError(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "internal_error", "the engine could not answer this request", null)), false);
        }
    }
}
