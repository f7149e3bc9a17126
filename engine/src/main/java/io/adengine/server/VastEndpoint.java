package io.adengine.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.adengine.events.Impressions;
import io.adengine.events.TrackerSigner;
import io.adengine.index.Snapshot;
import io.adengine.match.AdRequest;
import io.adengine.match.Decision;
import io.adengine.match.Outcome;
import io.adengine.model.AdGroup;
import io.adengine.model.Campaign;
import io.adengine.model.Creative;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code GET /v1/vast?adSpaceId=…} (what video players call: every request field as a query parameter) and
 * {@code POST /v1/vast} (the body of {@code POST /v1/ads}): the best ad with a VAST creative ({@link Creative#vast()})
 * as a VAST 4.2 document ({@link VastWriter}); {@code <VAST version="4.2"/>} with 200 when nothing fills. Bad input
 * is the JSON 400 of {@code /v1/ads}, naming the field by its JSON path.
 *
 * <p>The decision is the SDK path's ({@code AdDecider}, same filters and auction) asked for {@link AdRequest#MAX_COUNT}
 * ads; the first (best ranked) with a VAST creative is kept, at the price the auction gave it, and only it is minted
 * and reported as served.
 */
final class VastEndpoint {

    private static final JsonFactory FACTORY = new JsonFactory();
    /** Query parameters of {@code GET /v1/vast} and the JSON field of the ad request each becomes. */
    private static final String[][] QUERY_FIELDS = {
        {"requestId", "requestId", "s"}, {"adSpaceId", "adSpaceId", "n"}, {"gaid", "gaid", "s"},
        {"os", "device.os", "s"}, {"osVersion", "device.osVersion", "s"}, {"model", "device.model", "s"},
        {"language", "device.language", "s"}, {"network", "device.network", "s"}, {"carrier", "device.carrier", "s"},
        {"lmt", "device.lmt", "n"}, {"country", "geo.country", "s"}, {"region", "geo.region", "s"},
        {"coppa", "regs.coppa", "n"}, {"gdpr", "regs.gdpr", "n"}, {"us_privacy", "regs.usPrivacy", "s"}, {"gpp", "regs.gpp", "s"},
        {"gpp_sid", "regs.gppSid", "list"}, {"consent", "user.consent", "s"},
    };

    private final ServingContext context;
    private final VastWriter vast;

    VastEndpoint(ServingContext context, String trackerBaseUrl) {
        this.context = context;
        this.vast = new VastWriter(trackerBaseUrl);
    }

    void serve(ChannelHandlerContext ctx, FullHttpRequest http, boolean keepAlive, long start) {
        ServingContext.Scratch s = context.scratch();
        AdRequest request = s.request;
        ApiError error;
        if (http.method().equals(HttpMethod.GET)) {
            byte[] body;
            try {
                body = queryAsJson(QueryParameters.of(http.uri()));
            } catch (BadParameter e) {
                reply(ctx, HttpResponses.error(ctx, e.error()), keepAlive, ServingMetrics.RequestOutcome.BAD_REQUEST, 0, start);
                return;
            }
            error = s.parser.parse(body, body.length, request);
        } else {
            int length = http.content().readableBytes();
            http.content().getBytes(http.content().readerIndex(), s.body, 0, length);
            error = s.parser.parse(s.body, length, request);
        }
        Snapshot snapshot = context.snapshots.current();
        if (error == null && snapshot.adSpace(request.adSpaceId()) == null) {
            error = new ApiError(HttpResponseStatus.BAD_REQUEST, "unknown_ad_space", "no ad space with id " + request.adSpaceId(), "adSpaceId");
        }
        if (error != null) {
            reply(ctx, HttpResponses.error(ctx, error), keepAlive, ServingMetrics.RequestOutcome.BAD_REQUEST, 0, start);
            return;
        }
        request.explain(false).explainAdGroupId(0).count(AdRequest.MAX_COUNT);
        if (request.requestId() == null) {
            request.requestId(Long.toHexString(ThreadLocalRandom.current().nextLong()));
        }
        request.nowMillis(context.clock.getAsLong()).seed(context.seeds.getAsLong());
        Decision decision = s.decider.decide(snapshot, request, s.decision);
        int slot = bestVideo(decision);
        if (slot < 0) {
            reply(ctx, xml(VastWriter.NO_AD.getBytes(StandardCharsets.UTF_8)), keepAlive, ServingMetrics.RequestOutcome.NO_FILL, 0, start);
            return;
        }
        decision.keepOnly(slot);
        Impressions impressions = context.mint.mint(snapshot, request, decision, s.impressions);
        AdGroup group = snapshot.group(decision.ordinal(0));
        Campaign campaign = snapshot.catalog().campaign(group.campaignId());
        byte[] document = vast.write(new VastWriter.Ad(decision.creative(0), group.id(), campaign == null ? null : campaign.advertiserDomain(),
                new String(impressions.idBytes(0), StandardCharsets.US_ASCII), impressions.token(TrackerSigner.Purpose.IMPRESSION, 0),
                impressions.token(TrackerSigner.Purpose.CLICK, 0)));
        reply(ctx, xml(document), keepAlive, ServingMetrics.RequestOutcome.FILLED, 1, start);
        context.served.served(snapshot, request, decision, impressions);
    }

    /** The first slot whose creative can be written as VAST, or -1. */
    static int bestVideo(Decision decision) {
        if (decision.outcome() != Outcome.FILLED) {
            return -1;
        }
        for (int i = 0; i < decision.filled(); i++) {
            if (decision.creative(i) != null && decision.creative(i).vast() != null) {
                return i;
            }
        }
        return -1;
    }

    private void reply(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive, ServingMetrics.RequestOutcome outcome,
                       int ads, long start) {
        // Players in web views fetch VAST across origins; the answer holds nothing a page may not read.
        response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        HttpResponses.send(ctx, response, keepAlive);
        context.metrics.record(outcome, ads, System.nanoTime() - start);
    }

    static FullHttpResponse xml(byte[] document) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(document));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, VastWriter.CONTENT_TYPE);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, document.length);
        return r;
    }

    /**
     * The query of {@code GET /v1/vast} as the JSON body of an ad request, so that one parser checks both: numbers that
     * parse as canonical decimals are written as numbers, anything else as a string (which the parser then refuses,
     * naming the field); {@code gpp_sid} is a comma-separated list. Unknown parameters are ignored.
     */
    static byte[] queryAsJson(QueryParameters query) throws BadParameter {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            String open = null;
            for (String[] f : QUERY_FIELDS) {
                String value = query.one(f[0]);
                if (value == null) {
                    continue;
                }
                String field = f[1];
                int dot = field.indexOf('.');
                String parent = dot < 0 ? null : field.substring(0, dot);
                if (open != null && !open.equals(parent)) {
                    g.writeEndObject();
                    open = null;
                }
                if (parent != null && !parent.equals(open)) {
                    g.writeObjectFieldStart(parent);
                    open = parent;
                }
                g.writeFieldName(dot < 0 ? field : field.substring(dot + 1));
                switch (f[2]) {
                    case "n" -> number(g, value);
                    case "list" -> {
                        g.writeStartArray();
                        for (String part : value.split(",", -1)) {
                            number(g, part);
                        }
                        g.writeEndArray();
                    }
                    default -> g.writeString(value);
                }
            }
            if (open != null) {
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    private static void number(JsonGenerator g, String value) throws IOException {
        long n = QueryParameters.canonical(value);
        if (n != Long.MIN_VALUE) {
            g.writeNumber(n);
        } else {
            g.writeString(value);
        }
    }
}
