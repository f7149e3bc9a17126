package io.adengine.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.adengine.events.BillingEvent;
import io.adengine.events.EventPipeline;
import io.adengine.events.TrackerSigner;
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
import java.util.concurrent.ThreadLocalRandom;

/**
 * Renders a {@link Decision} as the JSON answer of {@code POST /v1/ads}: each ad with its ids, format,
 * price, chosen assets (one title / description / button / image / video per impression, rotated by the
 * request seed: the automatic creative combination of seed 001 §3.1.3), landing URL and signed tracker
 * URLs; plus the explain section when asked.
 */
public final class AdResponseWriter {

    private static final JsonFactory FACTORY = new JsonFactory();

    private final TrackerSigner signer;
    private final String trackerBase;
    private final long trackerTtlSeconds;
    private final EventPipeline events;

    public AdResponseWriter(TrackerSigner signer, String trackerBaseUrl, long trackerTtlSeconds) {
        this(signer, trackerBaseUrl, trackerTtlSeconds, null);
    }

    /** A writer that also publishes a served event per ad into the pipeline ({@code null}: none). */
    public AdResponseWriter(TrackerSigner signer, String trackerBaseUrl, long trackerTtlSeconds, EventPipeline events) {
        this.signer = signer;
        this.trackerBase = trackerBaseUrl;
        this.trackerTtlSeconds = trackerTtlSeconds;
        this.events = events;
    }

    /** Writes the whole answer. */
    public void write(Snapshot snapshot, AdRequest request, Decision decision, OutputStream out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("requestId", request.requestId());
            g.writeNumberField("catalogVersion", snapshot.version());
            g.writeArrayFieldStart("ads");
            long expires = request.nowMillis() / 1000 + trackerTtlSeconds;
            for (int i = 0; i < decision.filled(); i++) {
                writeAd(g, snapshot, request, decision, i, expires);
            }
            g.writeEndArray();
            Explain explain = decision.explain();
            if (explain != null) {
                writeExplain(g, explain);
            }
            g.writeEndObject();
        }
    }

    private void writeAd(JsonGenerator g, Snapshot snapshot, AdRequest request, Decision d, int slot, long expires) throws IOException {
        AdGroup group = AdDecider.group(snapshot, d, slot);
        Creative c = d.creative(slot);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        // The impression id's first four hex digits carry the request's country (packed), so the signed
        // token tells the trackers where it was shown; the other 112 bits are random.
        short country = BillingEvent.packCountry(request.value(Dimension.COUNTRY));
        long impressionHi = (long) (country & 0xffff) << 48 | (random.nextLong() & 0xffff_ffff_ffffL);
        long impressionLo = random.nextLong();
        String impressionId = hex(impressionHi) + hex(impressionLo);
        String billing = group.bid().model().name();
        String token = signer.sign(new TrackerSigner.Claims(impressionId, request.adSpaceId(), group.campaignId(), group.id(),
                c.id(), billing, d.chargePerUnit(slot), expires));
        String currency = snapshot.catalog().account(snapshot.catalog().campaign(group.campaignId()).accountId()).currency().name();
        long seed = AdDecider.mix(request.seed() + slot);
        if (events != null) {
            events.publishServed(snapshot, d.ordinal(slot), request.adSpaceId(), request.value(Dimension.COUNTRY), d.chargePerUnit(slot),
                    c.id(), impressionHi, impressionLo, expires, request.nowMillis());
        }

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

    /** A random 128-bit id in hex: unique across requests without coordination. */
    static String newImpressionId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return hex(r.nextLong()) + hex(r.nextLong());
    }

    private static String hex(long v) {
        String s = Long.toHexString(v);
        return "0".repeat(16 - s.length()) + s;
    }
}
