package io.adengine.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adengine.catalog.CatalogJson;
import io.adengine.config.EngineConfig;
import io.adengine.events.Impressions;
import io.adengine.events.TrackerMint;
import io.adengine.events.TrackerSigner;
import io.adengine.index.Snapshot;
import io.adengine.index.SnapshotBuilder;
import io.adengine.match.AdDecider;
import io.adengine.match.AdRequest;
import io.adengine.match.Decision;
import io.adengine.model.AdGroup;
import io.adengine.model.Asset;
import io.adengine.model.Catalog;
import io.adengine.model.Creative;
import io.adengine.model.Dimension;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The byte-level renderer against an oracle that builds the same answer as a Jackson tree from the model:
 * random creatives whose texts and URLs carry quotes, backslashes, control characters and non-ASCII text,
 * random request ids, rotation seeds and counts. Prints its seed; {@code -Dproperty.seed=N} replays one.
 */
class AdResponseWriterTest {

    private static final Path CONFIG_DIR = Path.of("..", "config");
    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = "http://127.0.0.1:8080";
    private static final String[] PIECES = {"a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\u0001", "\u001f", "é", "日本", "\uD83D\uDE00",
        "<script>", "&", "%20", "\u2028", "\u007f"};

    @Test
    void renderedAnswersShouldEqualTheOracleTree() throws Exception {
        long seed = Long.getLong("property.seed", System.nanoTime());
        Random r = new Random(seed);
        EngineConfig config = EngineConfig.defaults(CONFIG_DIR.resolve("sample-catalog.json"));
        Catalog sample = CatalogJson.read(CONFIG_DIR.resolve("sample-catalog.json"));
        TrackerMint mint = new TrackerMint(new TrackerSigner(config.trackers().hmacKey()), config.trackers().ttlSeconds());
        AdDecider decider = new AdDecider();
        for (int round = 0; round < 40; round++) {
            Snapshot snapshot = new SnapshotBuilder(config.auction()).build(withHostileCreatives(sample, r));
            AdResponseWriter writer = new AdResponseWriter(BASE);
            for (int i = 0; i < 50; i++) {
                AdRequest request = new AdRequest().adSpaceId(101).count(1 + r.nextInt(3)).requestId(text(r, 1 + r.nextInt(20)))
                        .value(Dimension.COUNTRY, "IN").value(Dimension.LANGUAGE, "en").nowMillis(NOW).seed(r.nextLong());
                Decision d = decider.decide(snapshot, request, new Decision());
                Impressions impressions = mint.mint(snapshot, request, d, new Impressions());
                ByteBuf out = Unpooled.buffer();
                try {
                    writer.write(snapshot, request, d, impressions, out);
                    JsonNode rendered = JSON.readTree(out.toString(StandardCharsets.UTF_8));
                    assertThat(rendered).as("seed %d, round %d, request %d", seed, round, i).isEqualTo(oracle(snapshot, request, d, impressions));
                } finally {
                    out.release();
                }
            }
        }
    }

    /** The answer as the engine documents it, built field by field from the model. */
    private static JsonNode oracle(Snapshot snapshot, AdRequest request, Decision d, Impressions impressions) {
        ObjectNode root = JSON.createObjectNode().put("requestId", request.requestId()).put("catalogVersion", snapshot.version());
        ArrayNode ads = root.putArray("ads");
        for (int slot = 0; slot < d.filled(); slot++) {
            AdGroup g = snapshot.group(d.ordinal(slot));
            Creative c = d.creative(slot);
            String clickToken = impressions.token(TrackerSigner.Purpose.CLICK, slot);
            String impressionToken = impressions.token(TrackerSigner.Purpose.IMPRESSION, slot);
            String conversionToken = impressions.token(TrackerSigner.Purpose.CONVERSION, slot);
            long seed = AdDecider.mix(request.seed() + slot);
            ObjectNode ad = ads.addObject().put("impressionId", impressions.id(slot)).put("campaignId", g.campaignId())
                    .put("adGroupId", g.id()).put("creativeId", c.id()).put("format", c.format().name())
                    .put("billing", g.bid().model().name());
            ad.putObject("price").put("chargeMicros", d.chargePerUnit(slot))
                    .put("currency", snapshot.catalog().account(snapshot.catalog().campaign(g.campaignId()).accountId()).currency().name())
                    .put("clearingCpmMicros", d.clearingCpm(slot)).put("auctionCurrency", snapshot.auction().currency().name());
            ObjectNode assets = ad.putObject("assets");
            pick(assets, "title", c.titles(), seed);
            pick(assets, "description", c.descriptions(), seed >>> 8);
            pick(assets, "button", c.buttons(), seed >>> 16);
            pickAsset(assets, "image", c.images(), seed >>> 24);
            pickAsset(assets, "video", c.videos(), seed >>> 32);
            if (c.icon() != null) {
                asset(assets.putObject("icon"), c.icon());
            }
            ad.put("clickUrl", c.clickUrl());
            if (c.deeplink() != null) {
                ad.put("deeplink", c.deeplink());
            }
            ad.put("clickTracker", BASE + "/v1/events/click?t=" + clickToken);
            ArrayNode imps = ad.putArray("impressionTrackers").add(BASE + "/v1/events/imp?t=" + impressionToken);
            c.impressionTrackers().forEach(imps::add);
            if (!c.videoTrackers().isEmpty()) {
                ArrayNode v = ad.putArray("videoTrackers");
                c.videoTrackers().forEach(v::add);
            }
            if (g.viewThroughConversions()) {
                ad.put("conversionToken", conversionToken);
            }
        }
        // Through text and back, so numbers get the node types a parse gives them (1 is an int node, not a long one).
        try {
            return JSON.readTree(JSON.writeValueAsString(root));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void pick(ObjectNode o, String field, List<String> values, long seed) {
        if (!values.isEmpty()) {
            o.put(field, values.get((int) Long.remainderUnsigned(seed, values.size())));
        }
    }

    private static void pickAsset(ObjectNode o, String field, List<Asset> values, long seed) {
        if (!values.isEmpty()) {
            asset(o.putObject(field), values.get((int) Long.remainderUnsigned(seed, values.size())));
        }
    }

    private static void asset(ObjectNode o, Asset a) {
        o.put("url", a.url()).put("width", a.width()).put("height", a.height());
        if (a.durationMillis() > 0) {
            o.put("durationMillis", a.durationMillis());
        }
    }

    /** The sample catalog with every creative's texts and URLs replaced by random, hostile ones. */
    private static Catalog withHostileCreatives(Catalog sample, Random r) {
        List<Creative> creatives = new ArrayList<>();
        for (Creative c : sample.creatives()) {
            creatives.add(new Creative(c.id(), c.version(), c.adGroupId(), c.name(), c.format(), texts(r), texts(r), texts(r),
                    assets(r, c.images().isEmpty() ? 0 : 1 + r.nextInt(3), false), assets(r, c.videos().isEmpty() ? 0 : 1 + r.nextInt(2), true),
                    r.nextBoolean() ? null : new Asset(url(r), 84, 84, 1000, 0), url(r), r.nextBoolean() ? null : "app://" + text(r, 5),
                    urls(r), urls(r), c.review(), c.landingPageRiskWarning()));
        }
        return new Catalog(sample.version(), sample.accounts(), sample.campaigns(), sample.adGroups(), creatives, sample.adSpaces());
    }

    private static List<String> texts(Random r) {
        List<String> list = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            list.add(text(r, 1 + r.nextInt(12)));
        }
        return list;
    }

    private static String text(Random r, int pieces) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pieces; i++) {
            sb.append(PIECES[r.nextInt(PIECES.length)]);
        }
        return sb.toString();
    }

    private static String url(Random r) {
        return "https://cdn.example.com/" + text(r, 1 + r.nextInt(6));
    }

    private static List<String> urls(Random r) {
        List<String> list = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            list.add(url(r));
        }
        return list;
    }

    private static List<Asset> assets(Random r, int n, boolean video) {
        List<Asset> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new Asset(url(r), 1 + r.nextInt(2000), 1 + r.nextInt(2000), 1000, video ? 1 + r.nextInt(60_000) : 0));
        }
        return list;
    }
}
