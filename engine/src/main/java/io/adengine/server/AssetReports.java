package io.adengine.server;

import io.adengine.learn.LearnedRates;
import io.adengine.learn.RateEstimator;
import io.adengine.match.AssetChoice;
import io.adengine.model.Asset;
import io.adengine.model.Creative;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.util.List;

/**
 * {@code GET /v1/admin/reports/assets?creative=ID}: per title, description, button and image of a creative,
 * the impressions and clicks it was shown with (counted since the learned state began) and its CTR, plus what
 * each kind's bandit shows now. 404 {@code no_learning} when learning is off; 400 names {@code creative}.
 */
final class AssetReports {

    static final String PATH = "/v1/admin/reports/assets";
    private static final String[] KINDS = {"title", "description", "button", "image"};

    private final ServingContext context;
    private final LearnedRates learned;

    AssetReports(ServingContext context, LearnedRates learned) {
        this.context = context;
        this.learned = learned;
    }

    static void handle(ServingContext context, ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) throws IOException {
        if (!request.method().equals(HttpMethod.GET)) {
            HttpResponses.send(ctx, Routes.methodNotAllowed(ctx, "GET"), keepAlive);
            return;
        }
        if (!(context.rates instanceof LearnedRates l)) {
            HttpResponses.send(ctx, HttpResponses.error(ctx, new ApiError(HttpResponseStatus.NOT_FOUND, "no_learning",
                    "learning is off (learning.enabled in engine.yaml)", null)), keepAlive);
            return;
        }
        try {
            QueryParameters q = QueryParameters.of(request.uri());
            if (q.one("creative") == null) {
                throw new BadParameter("creative", "creative is required");
            }
            long id = q.number("creative", 1, Long.MAX_VALUE, 0);
            HttpResponses.send(ctx, new AssetReports(context, l).report(ctx, id), keepAlive);
        } catch (BadParameter e) {
            HttpResponses.send(ctx, HttpResponses.error(ctx, e.error()), keepAlive);
        }
    }

    private io.netty.handler.codec.http.FullHttpResponse report(ChannelHandlerContext ctx, long creativeId) throws IOException, BadParameter {
        Creative creative = null;
        for (Creative c : context.snapshots.current().catalog().creatives()) {
            if (c.id() == creativeId) {
                creative = c;
                break;
            }
        }
        if (creative == null) {
            throw new BadParameter("creative", "no creative " + creativeId + " in the serving catalog");
        }
        Creative shown = creative;
        List<RateEstimator.AssetCounts> rows = learned.assetCounts(creative);
        ByteBuf body = TrackerEndpoints.json(ctx, j -> {
            j.writeStartObject();
            j.writeNumberField("creativeId", shown.id());
            j.writeArrayFieldStart("assets");
            for (RateEstimator.AssetCounts r : rows) {
                j.writeStartObject();
                j.writeStringField("kind", KINDS[r.kind()]);
                j.writeNumberField("index", r.index());
                j.writeStringField("value", value(shown, r.kind(), r.index()));
                j.writeNumberField("impressions", r.impressions());
                j.writeNumberField("clicks", r.clicks());
                j.writeNumberField("ctr", r.impressions() == 0 ? 0.0 : (double) r.clicks() / r.impressions());
                j.writeEndObject();
            }
            j.writeEndArray();
            j.writeNumberField("explorationPermille", learned.explorationPermille());
            j.writeEndObject();
        });
        return HttpResponses.json(HttpResponseStatus.OK, body);
    }

    private static String value(Creative c, int kind, int index) {
        return switch (kind) {
            case AssetChoice.TITLE -> c.titles().get(index);
            case AssetChoice.DESCRIPTION -> c.descriptions().get(index);
            case AssetChoice.BUTTON -> c.buttons().get(index);
            default -> {
                Asset a = c.images().get(index);
                yield a.url();
            }
        };
    }
}
