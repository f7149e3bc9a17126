package io.adengine.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.adengine.events.Impressions;
import io.adengine.events.TrackerSigner;
import io.adengine.index.Segment;
import io.adengine.index.SegmentCache;
import io.adengine.index.Snapshot;
import io.adengine.match.AdDecider;
import io.adengine.match.AdRequest;
import io.adengine.match.AssetChoice;
import io.adengine.match.Decision;
import io.adengine.match.Explain;
import io.adengine.match.FilterStage;
import io.adengine.model.AdGroup;
import io.adengine.model.Catalog;
import io.adengine.model.Creative;
import io.adengine.model.NotServedReason;
import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Renders a {@link Decision} as the JSON answer of {@code POST /v1/ads}: each ad with its ids, format,
 * price, chosen assets (one title / description / button / image / video per impression, rotated by the
 * request seed: the automatic creative combination of seed 001 §3.1.3), landing URL and signed tracker
 * URLs; plus the explain section when asked. It only renders: the impressions are minted before and the
 * served events published after, by the handler.
 *
 * <p>Each creative's static JSON is rendered once per segment ({@link RenderedCreative}, on the first
 * answer that shows it: rendering all 300,000 creatives of workload M ahead would cost about 180 MB), so
 * an answer copies cached bytes plus the impression id, the two prices and the token into a thread's
 * {@link AnswerBytes}, then into the response buffer in one copy: no JSON generator, no strings.
 */
public final class AdResponseWriter {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final byte[] REQUEST_ID = ascii("{\"requestId\":");
    private static final byte[] CATALOG_VERSION = ascii(",\"catalogVersion\":");
    private static final byte[] ADS = ascii(",\"ads\":[");
    private static final byte[] IMPRESSION_ID = ascii("{\"impressionId\":\"");
    private static final byte[] EXPLAIN = ascii(",\"explain\":");

    private final String trackerBase;
    /** Per segment, per ordinal, per creative of the group: its rendered fragments, filled on first use. */
    private final SegmentCache<RenderedCreative[][]> rendered =
            new SegmentCache<>((segment, unused) -> new RenderedCreative[segment.size()][]);
    private final ThreadLocal<AnswerBytes> answers = ThreadLocal.withInitial(AnswerBytes::new);

    /** A writer whose tracker URLs start with {@code trackerBaseUrl} (scheme, host and port of the public API). */
    public AdResponseWriter(String trackerBaseUrl) {
        this.trackerBase = trackerBaseUrl;
    }

    /** Scheme, host and port the tracker URLs start with. */
    public String trackerBase() {
        return trackerBase;
    }

    /** Sets up the (empty) render caches of a snapshot's segments before it is published. */
    public void prepare(Snapshot snapshot) {
        rendered.prepare(snapshot, null);
    }

    /** Writes the whole answer into {@code out}. */
    public void write(Snapshot snapshot, AdRequest request, Decision decision, Impressions impressions, ByteBuf buffer) throws IOException {
        AnswerBytes out = answers.get().reset();
        out.writeBytes(REQUEST_ID);
        writeString(out, request.requestId());
        out.writeBytes(CATALOG_VERSION);
        out.writeDecimal(snapshot.version());
        out.writeBytes(ADS);
        for (int i = 0; i < decision.filled(); i++) {
            if (i > 0) {
                out.writeByte(',');
            }
            writeAd(out, snapshot, request, decision, impressions, i);
        }
        out.writeByte(']');
        Explain explain = decision.explain();
        if (explain != null) {
            out.writeBytes(EXPLAIN);
            try (JsonGenerator g = FACTORY.createGenerator((OutputStream) out)) {
                g.writeStartObject();
                writeExplainFields(g, explain);
                g.writeEndObject();
            }
        }
        out.writeByte('}');
        buffer.writeBytes(out.array(), 0, out.length());
    }

    private void writeAd(AnswerBytes out, Snapshot snapshot, AdRequest request, Decision d, Impressions impressions, int slot) {
        RenderedCreative r = rendered(snapshot, d.ordinal(slot), d.creative(slot));
        long seed = AdDecider.mix(request.seed() + slot);
        out.writeBytes(IMPRESSION_ID);
        out.writeBytes(impressions.idBytes(slot));
        out.writeBytes(r.afterId);
        out.writeDecimal(d.chargePerUnit(slot));
        out.writeBytes(r.afterCharge);
        out.writeDecimal(d.clearingCpm(slot));
        out.writeBytes(r.afterClearing);
        // Title, description, button and image as the decision chose them (rotated by this seed, or learned).
        int assets = d.assets(slot);
        boolean first = chosen(out, r.titles, AssetChoice.index(assets, AssetChoice.TITLE), true);
        first = chosen(out, r.descriptions, AssetChoice.index(assets, AssetChoice.DESCRIPTION), first);
        first = chosen(out, r.buttons, AssetChoice.index(assets, AssetChoice.BUTTON), first);
        first = chosen(out, r.images, AssetChoice.index(assets, AssetChoice.IMAGE), first);
        first = pick(out, r.videos, seed >>> 32, first);
        if (r.icon != null) {
            if (!first) {
                out.writeByte(',');
            }
            out.writeBytes(r.icon);
        }
        out.writeBytes(r.afterAssets);
        out.writeBytes(impressions.tokenBytes(TrackerSigner.Purpose.CLICK, slot), 0, impressions.tokenLength(TrackerSigner.Purpose.CLICK, slot));
        out.writeBytes(r.afterClickToken);
        out.writeBytes(impressions.tokenBytes(TrackerSigner.Purpose.IMPRESSION, slot), 0,
                impressions.tokenLength(TrackerSigner.Purpose.IMPRESSION, slot));
        // The ad's closing brace comes last: a view-through ad group's conversion token goes before it.
        out.writeBytes(r.afterImpressionToken, 0, r.afterImpressionToken.length - 1);
        int conversion = impressions.tokenLength(TrackerSigner.Purpose.CONVERSION, slot);
        if (conversion > 0) {
            out.writeBytes(CONVERSION_TOKEN);
            out.writeBytes(impressions.tokenBytes(TrackerSigner.Purpose.CONVERSION, slot), 0, conversion);
            out.writeByte('"');
        }
        out.writeByte('}');
    }

    /** Writes the chosen option of an asset (none when it has none); returns whether nothing is written yet. */
    private static boolean chosen(AnswerBytes out, byte[][] options, int index, boolean first) {
        if (options.length == 0) {
            return first;
        }
        if (!first) {
            out.writeByte(',');
        }
        out.writeBytes(options[Math.min(index, options.length - 1)]);
        return false;
    }

    private static final byte[] CONVERSION_TOKEN = ",\"conversionToken\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Writes the seed's choice among an asset's options (none when it has none); returns whether nothing is written yet. */
    private static boolean pick(AnswerBytes out, byte[][] options, long seed, boolean first) {
        if (options.length == 0) {
            return first;
        }
        if (!first) {
            out.writeByte(',');
        }
        out.writeBytes(options[(int) Long.remainderUnsigned(seed, options.length)]);
        return false;
    }

    /** The rendered fragments of a creative of an ordinal's group, rendered now on its first answer in this segment. */
    private RenderedCreative rendered(Snapshot snapshot, int ordinal, Creative creative) {
        int i = snapshot.segmentOf(ordinal);
        int local = ordinal - snapshot.offset(i);
        Segment segment = snapshot.segment(i);
        RenderedCreative[][] bySegment = rendered.get(segment, i);
        Creative[] creatives = segment.creatives(local);
        RenderedCreative[] byCreative = bySegment[local];
        if (byCreative == null) {
            // Racing threads may both render: the results are equal and immutable, one of them stays.
            byCreative = new RenderedCreative[creatives.length];
            bySegment[local] = byCreative;
        }
        int k = 0;
        while (creatives[k] != creative) {
            k++;
        }
        RenderedCreative r = byCreative[k];
        if (r == null) {
            AdGroup group = segment.group(local);
            Catalog c = segment.catalog();
            String currency = c.account(c.campaign(group.campaignId()).accountId()).currency().name();
            r = new RenderedCreative(group, creative, currency, snapshot.auction().currency().name(), trackerBase);
            byCreative[k] = r;
        }
        return r;
    }

    /** Writes a JSON string literal; plain printable ASCII (every id the engine makes) goes straight through. */
    private static void writeString(AnswerBytes out, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                out.writeBytes(RenderedCreative.quoted(s));
                return;
            }
        }
        out.writeByte('"');
        out.writeAscii(s);
        out.writeByte('"');
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Writes the explain section: removals per stage, auction entrants, and the asked-about group. */
    public static void writeExplain(JsonGenerator g, Explain explain) throws IOException {
        g.writeObjectFieldStart("explain");
        writeExplainFields(g, explain);
        g.writeEndObject();
    }

    private static void writeExplainFields(JsonGenerator g, Explain explain) throws IOException {
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
    }
}
