package io.adengine.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.adengine.config.EngineConfig;
import io.adengine.config.OpenRtbConfig;
import io.adengine.events.Impressions;
import io.adengine.events.TrackerSigner;
import io.adengine.index.Snapshot;
import io.adengine.match.AdRequest;
import io.adengine.match.Decision;
import io.adengine.match.Outcome;
import io.adengine.model.AdGroup;
import io.adengine.model.AdSpace;
import io.adengine.model.AdvertiserDomain;
import io.adengine.model.Asset;
import io.adengine.model.Campaign;
import io.adengine.model.ContentCategory;
import io.adengine.model.Creative;
import io.adengine.model.Currency;
import io.adengine.model.Dimension;
import io.adengine.model.OsVersionRange;
import io.adengine.model.VideoAd;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Answers one OpenRTB 2.6 bid request with the engine's own decision: each impression is mapped onto an
 * {@link AdRequest} (ad space from {@code tagid}, device, geo, privacy signals) and decided by the same
 * {@code AdDecider} as {@code POST /v1/ads}, asked for {@link AdRequest#MAX_COUNT} ads; the best ranked ad that fits the
 * impression (a VAST creative for video; an image creative for banner; any non-video creative for native), is not
 * blocked by the request ({@code bcat}, {@code badv}, {@code bapp}) and reaches the impression's floor becomes the bid.
 *
 * <p>The bid's {@code price} is the CPM the engine's own auction cleared the ad at (second price among the engine's
 * candidates), raised to the impression's floor, in the request's currency (the first of {@code cur} the engine has a
 * rate for in {@code auction.microsPerUnit}; USD when {@code cur} is absent); without a rate for the currency or the
 * floor's currency there is no bid. {@code burl} is the engine's signed impression tracker: the exchange calls it when
 * the impression is billable, and it is counted and charged once like an SDK's impression.
 */
final class OpenRtbBidder {

    /** OpenRTB no-bid reason codes (2.6 §5.24 / AdCOM). */
    static final int NBR_UNKNOWN = 0;
    static final int NBR_INVALID_REQUEST = 2;

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final String SEAT = "ad-engine";

    private final ServingContext context;
    private final OpenRtbConfig config;
    private final Map<Currency, Long> microsPerUnit;
    private final VastWriter vast;
    private final String trackerBase;

    OpenRtbBidder(ServingContext context, OpenRtbConfig config, EngineConfig.AuctionConfig auction) {
        this.context = context;
        this.config = config;
        this.microsPerUnit = Map.copyOf(auction.microsPerUnit());
        this.trackerBase = context.writer.trackerBase();
        this.vast = new VastWriter(trackerBase);
    }

    /** The outcome: a bid response body, or no bid and why. */
    record Answer(byte[] body, int noBidReason) {
    }

    Answer bid(OpenRtbRequest rtb) throws IOException {
        Snapshot snapshot = context.snapshots.current();
        Currency currency = responseCurrency(rtb.cur);
        if (currency == null) {
            return new Answer(null, NBR_INVALID_REQUEST);
        }
        AdSpace blocks = new AdSpace(0, 0, 0, "request", null, Set.of(), 0, canonical(rtb.badv, AdvertiserDomain::normalize),
                canonical(rtb.bcat, ContentCategory::normalize), canonical(rtb.bapp, AdvertiserDomain::packageName), false);
        ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
        int bids = 0;
        boolean anyMapped = false;
        ServingContext.Scratch s = context.scratch();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            for (OpenRtbRequest.Imp imp : rtb.imps) {
                long adSpaceId = adSpaceOf(imp, snapshot);
                Long floorRate = currencyOf(imp.bidFloorCur()) == null ? null : microsPerUnit.get(currencyOf(imp.bidFloorCur()));
                if (adSpaceId == 0 || floorRate == null) {
                    continue;
                }
                anyMapped = true;
                AdRequest request = request(rtb, adSpaceId, s.request.reset());
                request.nowMillis(context.clock.getAsLong()).seed(context.seeds.getAsLong());
                Decision decision = s.decider.decide(snapshot, request, s.decision);
                long floorMicros = (long) Math.ceil(imp.bidFloor() * floorRate);
                int slot = pick(snapshot, decision, imp, blocks, floorMicros);
                if (slot < 0) {
                    continue;
                }
                decision.keepOnly(slot);
                Impressions impressions = context.mint.mint(snapshot, request, decision, s.impressions);
                if (bids == 0) {
                    g.writeStartObject();
                    g.writeStringField("id", rtb.id);
                    g.writeStringField("bidid", impressions.id(0));
                    g.writeStringField("cur", currency.name());
                    g.writeArrayFieldStart("seatbid");
                    g.writeStartObject();
                    g.writeStringField("seat", SEAT);
                    g.writeArrayFieldStart("bid");
                }
                writeBid(g, snapshot, request, decision, impressions, imp, Math.max(decision.clearingCpm(0), floorMicros), currency);
                bids++;
                context.served.served(snapshot, request, decision, impressions);
            }
            if (bids > 0) {
                g.writeEndArray();
                g.writeEndObject();
                g.writeEndArray();
                g.writeEndObject();
            }
        }
        return bids > 0 ? new Answer(out.toByteArray(), -1) : new Answer(null, anyMapped ? NBR_UNKNOWN : NBR_INVALID_REQUEST);
    }

    /** The no-bid answer {@code {"id":…,"nbr":N}} of a request that asked for reasons. */
    static byte[] noBid(String requestId, int reason) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", requestId);
            g.writeNumberField("nbr", reason);
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /** The ad request of one impression: its ad space, the device, geo and privacy signals of the bid request. */
    static AdRequest request(OpenRtbRequest rtb, long adSpaceId, AdRequest r) {
        r.requestId(rtb.id.length() <= 64 ? rtb.id : rtb.id.substring(0, 64)).adSpaceId(adSpaceId).count(AdRequest.MAX_COUNT);
        r.gaid(rtb.ifa);
        r.value(Dimension.COUNTRY, rtb.country);
        r.value(Dimension.REGION, rtb.region);
        r.value(Dimension.LANGUAGE, rtb.language);
        r.value(Dimension.NETWORK, rtb.network());
        r.value(Dimension.CARRIER, rtb.carrier);
        r.value(Dimension.DEVICE_MODEL, rtb.model);
        if (rtb.osv != null) {
            int v = OsVersionRange.encode(rtb.osv);
            if (v >= 0) {
                r.osVersion(v);
            }
        }
        r.limitAdTracking(rtb.lmt).coppa(rtb.coppa).gdpr(rtb.gdpr).consent(rtb.consent).usPrivacy(rtb.usPrivacy);
        if (rtb.gpp != null) {
            r.gpp(rtb.gpp, rtb.gppSid == null ? new int[0] : rtb.gppSid);
        }
        return r;
    }

    private int pick(Snapshot snapshot, Decision decision, OpenRtbRequest.Imp imp, AdSpace blocks, long floorMicros) {
        if (decision.outcome() != Outcome.FILLED) {
            return -1;
        }
        for (int i = 0; i < decision.filled(); i++) {
            Creative c = decision.creative(i);
            if (c == null || decision.ecpm(i) < floorMicros || kind(c, imp) == null || blocks.blocks(c)) {
                continue;
            }
            AdGroup group = snapshot.group(decision.ordinal(i));
            if (blocks.blocks(snapshot.catalog().campaign(group.campaignId()), group)) {
                continue;
            }
            return i;
        }
        return -1;
    }

    /** The kind of ad a creative makes for an impression, or {@code null} when it fits none the impression takes. */
    static OpenRtbRequest.Kind kind(Creative c, OpenRtbRequest.Imp imp) {
        if (c.vast() != null) {
            return imp.video() ? OpenRtbRequest.Kind.VIDEO : null;
        }
        if (imp.banner() && !c.images().isEmpty()) {
            return OpenRtbRequest.Kind.BANNER;
        }
        return imp.nativeAd() ? OpenRtbRequest.Kind.NATIVE : null;
    }

    private void writeBid(JsonGenerator g, Snapshot snapshot, AdRequest request, Decision d, Impressions impressions,
                          OpenRtbRequest.Imp imp, long priceAuctionMicros, Currency currency) throws IOException {
        Creative c = d.creative(0);
        AdGroup group = snapshot.group(d.ordinal(0));
        Campaign campaign = snapshot.catalog().campaign(group.campaignId());
        String token = impressions.token(TrackerSigner.Purpose.IMPRESSION, 0);
        OpenRtbRequest.Kind kind = kind(c, imp);
        g.writeStartObject();
        g.writeStringField("id", impressions.id(0));
        g.writeStringField("impid", imp.id());
        g.writeNumberField("price", priceAuctionMicros / (double) microsPerUnit.get(currency));
        g.writeStringField("burl", trackerBase + "/v1/events/imp?t=" + token);
        g.writeStringField("adm", adm(kind, snapshot, request, d, impressions, group, campaign));
        g.writeStringField("adid", Long.toString(c.id()));
        if (campaign != null && campaign.advertiserDomain() != null) {
            g.writeArrayFieldStart("adomain");
            g.writeString(campaign.advertiserDomain());
            g.writeEndArray();
        }
        if (group.app() != null) {
            g.writeStringField("bundle", group.app().packageName());
        }
        g.writeStringField("cid", Long.toString(group.campaignId()));
        g.writeStringField("crid", Long.toString(c.id()));
        if (!c.categories().isEmpty()) {
            g.writeArrayFieldStart("cat");
            for (String cat : new TreeSet<>(c.categories())) {
                g.writeString(cat);
            }
            g.writeEndArray();
        }
        g.writeNumberField("mtype", kind == OpenRtbRequest.Kind.VIDEO ? 2 : kind == OpenRtbRequest.Kind.BANNER ? 1 : 4);
        int[] size = size(c, kind);
        if (size[0] > 0 && size[1] > 0) {
            g.writeNumberField("w", size[0]);
            g.writeNumberField("h", size[1]);
        }
        if (kind == OpenRtbRequest.Kind.VIDEO) {
            g.writeNumberField("dur", (int) Math.max(1, (c.vast().durationMillis() + 999) / 1000));
        }
        g.writeEndObject();
    }

    private String adm(OpenRtbRequest.Kind kind, Snapshot snapshot, AdRequest request, Decision d, Impressions impressions, AdGroup group,
                       Campaign campaign) throws IOException {
        Creative c = d.creative(0);
        String token = impressions.token(TrackerSigner.Purpose.IMPRESSION, 0);
        String clickToken = impressions.token(TrackerSigner.Purpose.CLICK, 0);
        return switch (kind) {
            case VIDEO -> vast.document(new VastWriter.Ad(c, group.id(), campaign == null ? null : campaign.advertiserDomain(),
                    impressions.id(0), token, clickToken));
            case BANNER -> banner(c, clickToken);
            case NATIVE -> {
                ByteBuf b = Unpooled.buffer(1024);
                try {
                    context.writer.write(snapshot, request, d, impressions, b);
                    yield b.toString(StandardCharsets.UTF_8);
                } finally {
                    b.release();
                }
            }
        };
    }

    /**
     * The display markup of an image creative: its first image, linked through the engine's click tracker (which
     * counts the click and redirects to the landing page), then a 1×1 pixel per third-party impression tracker. The
     * engine's own impression is counted through {@code burl}.
     */
    private String banner(Creative c, String clickToken) {
        Asset image = c.images().get(0);
        StringBuilder b = new StringBuilder(512);
        b.append("<a href=\"").append(html(trackerBase + "/v1/events/click?t=" + clickToken)).append("\" target=\"_blank\" rel=\"noopener\">");
        b.append("<img src=\"").append(html(image.url())).append('"');
        if (image.width() > 0 && image.height() > 0) {
            b.append(" width=\"").append(image.width()).append("\" height=\"").append(image.height()).append('"');
        }
        b.append(" alt=\"").append(html(c.titles().isEmpty() ? "" : c.titles().get(0))).append("\" style=\"border:0\"></a>");
        for (String url : c.impressionTrackers()) {
            b.append("<img src=\"").append(html(url)).append("\" width=\"1\" height=\"1\" alt=\"\" style=\"display:none\">");
        }
        return b.toString();
    }

    private static int[] size(Creative c, OpenRtbRequest.Kind kind) {
        if (kind == OpenRtbRequest.Kind.VIDEO) {
            VideoAd.MediaFile m = c.vast().mediaFiles().get(0);
            return new int[] {m.width(), m.height()};
        }
        if (kind == OpenRtbRequest.Kind.BANNER) {
            return new int[] {c.images().get(0).width(), c.images().get(0).height()};
        }
        return new int[] {0, 0};
    }

    /** HTML attribute text: {@code & < > " '} escaped. */
    static String html(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }

    /** The ad space of an impression: its mapped tag id, a tag id that is an ad space id, else its kind's default; 0: none. */
    long adSpaceOf(OpenRtbRequest.Imp imp, Snapshot snapshot) {
        String tag = imp.tagId();
        if (tag != null) {
            Long mapped = config.tagIds().get(tag);
            if (mapped != null) {
                return snapshot.adSpace(mapped) != null ? mapped : 0;
            }
            long id = QueryParameters.canonical(tag);
            if (id > 0 && snapshot.adSpace(id) != null) {
                return id;
            }
        }
        OpenRtbRequest.Kind kind = imp.firstKind();
        long fallback = kind == null ? 0 : switch (kind) {
            case VIDEO -> config.videoAdSpace();
            case BANNER -> config.bannerAdSpace();
            case NATIVE -> config.nativeAdSpace();
        };
        if (fallback == 0 && imp.video() && imp.banner()) {
            fallback = config.bannerAdSpace();
        }
        return fallback != 0 && snapshot.adSpace(fallback) != null ? fallback : 0;
    }

    private Currency responseCurrency(List<String> cur) {
        if (cur.isEmpty()) {
            return microsPerUnit.containsKey(Currency.USD) ? Currency.USD : null;
        }
        for (String c : cur) {
            Currency parsed = currencyOf(c);
            if (parsed != null && microsPerUnit.containsKey(parsed)) {
                return parsed;
            }
        }
        return null;
    }

    private static Currency currencyOf(String code) {
        if (code == null) {
            return null;
        }
        try {
            return Currency.valueOf(code.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Set<String> canonical(List<String> values, java.util.function.UnaryOperator<String> canonical) {
        Set<String> out = new HashSet<>();
        for (String v : values) {
            String c = canonical.apply(v);
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }
}
