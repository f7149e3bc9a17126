package io.adengine.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.adengine.events.Impressions;
import io.adengine.index.Snapshot;
import io.adengine.match.AdDecider;
import io.adengine.match.AdRequest;
import io.adengine.match.Decision;
import io.adengine.match.Explain;
import io.adengine.match.FilterStage;
import io.adengine.model.AdGroup;
import io.adengine.model.Asset;
import io.adengine.model.Creative;
import io.adengine.model.Dimension;
import io.adengine.model.NotServedReason;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Renders a {@link Decision} as the JSON answer of {@code POST /v1/ads}: each ad with its ids, format,
 * price, chosen assets (one title / description / button / image / video per impression, rotated by the
 * request seed: the automatic creative combination of seed 001 §3.1.3), landing URL and signed tracker
 * URLs; plus the explain section when asked. It only renders: the impressions are minted before and the
 * served events published after, by the handler.
 */
public final class AdResponseWriter {

    private static final JsonFactory FACTORY = new JsonFactory();

    private final String trackerBase;

    /** A writer whose tracker URLs start with {@code trackerBaseUrl} (scheme, host and port of the public API). */
    public AdResponseWriter(String trackerBaseUrl) {
        this.trackerBase = trackerBaseUrl;
    }

    /** Writes the whole answer. */
    public void write(Snapshot snapshot, AdRequest request, Decision decision, Impressions impressions, OutputStream out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("requestId", request.requestId());
            g.writeNumberField("catalogVersion", snapshot.version());
            g.writeArrayFieldStart("ads");
            for (int i = 0; i < decision.filled(); i++) {
                writeAd(g, snapshot, request, decision, impressions, i);
            }
            g.writeEndArray();
            Explain explain = decision.explain();
            if (explain != null) {
                writeExplain(g, explain);
            }
            g.writeEndObject();
        }
    }

    private void writeAd(JsonGenerator g, Snapshot snapshot, AdRequest request, Decision d, Impressions impressions, int slot)
            throws IOException {
        AdGroup group = AdDecider.group(snapshot, d, slot);
        Creative c = d.creative(slot);
        String impressionId = impressions.id(slot);
        String token = impressions.token(slot);
        String billing = group.bid().model().name();
        String currency = snapshot.catalog().account(snapshot.catalog().campaign(group.campaignId()).accountId()).currency().name();
        long seed = AdDecider.mix(request.seed() + slot);

        g.writeStartObject();
        g.writeStringField("impressionId", impressionId);
        g.writeNumberField("campaignId", group.campaignId());
        g.writeNumberField("adGroupId", group.id());
        g.writeNumberField("creativeId", c.id());
        g.writeStringField("format", c.format().name());
        g.writeStringField("billing", billing);
        g.writeObjectFieldStart("price");
        g.writeNumberField("chargeMicros", d.chargePerUnit(slot));
        g.writeStringField("currency", currency);
        g.writeNumberField("clearingCpmMicros", d.clearingCpm(slot));
        g.writeStringField("auctionCurrency", snapshot.auction().currency().name());
        g.writeEndObject();
        g.writeObjectFieldStart("assets");
        pickString(g, "title", c.titles(), seed);
        pickString(g, "description", c.descriptions(), seed >>> 8);
        pickString(g, "button", c.buttons(), seed >>> 16);
        pickAsset(g, "image", c.images(), seed >>> 24);
        pickAsset(g, "video", c.videos(), seed >>> 32);
        if (c.icon() != null) {
            writeAsset(g, "icon", c.icon());
        }
        g.writeEndObject();
        g.writeStringField("clickUrl", c.clickUrl());
        if (c.deeplink() != null) {
            g.writeStringField("deeplink", c.deeplink());
        }
        g.writeStringField("clickTracker", trackerBase + "/v1/events/click?t=" + token);
        g.writeArrayFieldStart("impressionTrackers");
        g.writeString(trackerBase + "/v1/events/imp?t=" + token);
        for (String url : c.impressionTrackers()) {
            g.writeString(url);
        }
        g.writeEndArray();
        if (!c.videoTrackers().isEmpty()) {
            g.writeArrayFieldStart("videoTrackers");
            for (String url : c.videoTrackers()) {
                g.writeString(url);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void pickString(JsonGenerator g, String field, List<String> values, long seed) throws IOException {
        if (!values.isEmpty()) {
            g.writeStringField(field, values.get((int) Long.remainderUnsigned(seed, values.size())));
        }
    }

    private static void pickAsset(JsonGenerator g, String field, List<Asset> values, long seed) throws IOException {
        if (!values.isEmpty()) {
            writeAsset(g, field, values.get((int) Long.remainderUnsigned(seed, values.size())));
        }
    }

    private static void writeAsset(JsonGenerator g, String field, Asset a) throws IOException {
        g.writeObjectFieldStart(field);
        g.writeStringField("url", a.url());
        g.writeNumberField("width", a.width());
        g.writeNumberField("height", a.height());
        if (a.durationMillis() > 0) {
            g.writeNumberField("durationMillis", a.durationMillis());
        }
        g.writeEndObject();
    }

    /** Writes the explain section: removals per stage, auction entrants, and the asked-about group. */
    public static void writeExplain(JsonGenerator g, Explain explain) throws IOException {
        g.writeObjectFieldStart("explain");
        g.writeNumberField("totalAdGroups", explain.totalAdGroups());
        g.writeObjectFieldStart("removedByStage");
        for (FilterStage stage : FilterStage.values()) {
            g.writeNumberField(stage.name(), explain.removed(stage));
        }
        g.writeEndObject();
        g.writeNumberField("auctionCandidates", explain.auctionCandidates());
        if (explain.adGroupId() != 0) {
            g.writeObjectFieldStart("adGroup");
            g.writeNumberField("id", explain.adGroupId());
            NotServedReason reason = explain.reason();
            g.writeBooleanField("served", reason == null);
            if (reason != null) {
                g.writeStringField("reason", reason.name());
                g.writeStringField("message", reason.description());
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }
}
