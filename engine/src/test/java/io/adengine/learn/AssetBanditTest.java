package io.adengine.learn;

import io.adengine.catalog.CatalogJson;
import io.adengine.config.EngineConfig;
import io.adengine.config.LearningConfig;
import io.adengine.index.SnapshotBuilder;
import io.adengine.index.SnapshotHolder;
import io.adengine.match.AdDecider;
import io.adengine.match.AdRequest;
import io.adengine.match.AssetChoice;
import io.adengine.match.BudgetGate;
import io.adengine.match.Decision;
import io.adengine.match.UserTargeting;
import io.adengine.model.Catalog;
import io.adengine.model.Dimension;
import io.adengine.model.PlacementType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The asset bandit in a closed loop: one CPC group with one creative of 3 titles and 2 descriptions, served on a
 * FEED ad space, clicks drawn from a hidden truth in which title 2 and description 1 are clearly best (1.3× and
 * 1.2× the others). The real decider chooses every impression's assets from the published generation
 * (every 250 impressions, 5 % of requests exploring), the impressions and clicks are fed back with the asset
 * bits. The group also runs on BANNER, whose prior CTR (0.2 %) is far below the creative's real one (~3 %): the
 * options' prior must be centred on the creative's own pooled CTR, not on its rate on the first placement type.
 */
class AssetBanditTest {

    private static final long START = 1_780_000_000_000L;
    private static final double BASE_CTR = 0.02;
    private static final double[] TITLE = {1.0, 0.95, 1.25};
    private static final double[] DESCRIPTION = {1.0, 1.2};

    static Catalog catalog() throws Exception {
        String json = """
                {"version": 1,
                 "accounts": [{"id": 1, "version": 1, "name": "A", "type": "ADVERTISER", "company": "A Ltd", "industry": "games",
                   "currency": "USD", "status": "APPROVED", "paymentMode": "PREPAID", "balanceMicros": 1000000000000, "creditLimitMicros": 0,
                   "commitmentLetterOnFile": false}],
                 "campaigns": [{"id": 11, "version": 1, "accountId": 1, "name": "C1", "objective": "PERFORMANCE", "promotion": "NON_DOWNLOAD", "enabled": true}],
                 "adGroups": [{"id": 101, "version": 1, "campaignId": 11, "name": "G", "placements": ["BANNER", "FEED"], "targeting": {},
                     "schedule": {"utcOffsetHours": 0, "start": "2026-01-01"}, "budget": {"totalMicros": 0, "dailyMicros": 0},
                     "bid": {"model": "CPC", "amountMicros": 500000}, "review": "APPROVED", "deliveryOn": true}],
                 "creatives": [{"id": 1010, "version": 1, "adGroupId": 101, "name": "cr", "format": "LARGE_NEWSFEED_IMAGE",
                     "titles": ["t0", "t1", "t2"], "descriptions": ["d0", "d1"], "buttons": ["Install"],
                     "images": [{"url": "https://cdn.example.com/i.jpg", "width": 1200, "height": 628, "bytes": 1000}], "videos": [],
                     "clickUrl": "https://example.com/landing", "impressionTrackers": [], "videoTrackers": [], "review": "APPROVED"}],
                 "adSpaces": [{"id": 7, "version": 1, "publisherId": 7, "name": "feed", "placement": "FEED",
                     "formats": ["LARGE_NEWSFEED_IMAGE"], "floorCpmMicros": 0},
                   {"id": 8, "version": 1, "publisherId": 7, "name": "banner", "placement": "BANNER",
                     "formats": ["BANNER"], "floorCpmMicros": 0}]}
                """;
        return CatalogJson.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    static EngineConfig.AuctionConfig auction() {
        Map<PlacementType, EngineConfig.Prior> priors = new EnumMap<>(PlacementType.class);
        for (PlacementType p : PlacementType.values()) {
            priors.put(p, new EngineConfig.Prior(p == PlacementType.BANNER ? 2_000 : 20_000, 50_000));
        }
        EngineConfig.AuctionConfig defaults = EngineConfig.AuctionConfig.defaults();
        return new EngineConfig.AuctionConfig(defaults.currency(), defaults.microsPerUnit(), priors);
    }

    /** The assets shown on the FEED ad space for a request with this seed. */
    private static int decide(AdDecider decider, SnapshotHolder holder, AdRequest request, Decision d, long now, long seed) {
        request.reset();
        request.adSpaceId(7).count(1).nowMillis(now).seed(seed);
        request.value(Dimension.COUNTRY, "IN");
        decider.decide(holder.current(), request, d);
        assertThat(d.filled()).isEqualTo(1);
        return d.assets(0);
    }

    /** Share of impressions, over the last third of the run, showing the best title and the best description. */
    static double[] bestShares(long seed) throws Exception {
        EngineConfig.AuctionConfig auction = auction();
        SnapshotHolder holder = new SnapshotHolder(new SnapshotBuilder(auction).build(catalog()));
        AtomicLong clock = new AtomicLong(START);
        LearnedRates rates = new LearnedRates(new LearningConfig(true, 1_440, 10, 10, 10_000, 50, null, 60), auction.priors(), holder, clock::get);
        AdDecider decider = new AdDecider(BudgetGate.UNLIMITED, UserTargeting.UNKNOWN_USERS, rates);
        SplittableRandom random = new SplittableRandom(seed);
        AdRequest request = new AdRequest();
        Decision d = new Decision();
        int generations = 120;
        int perGeneration = 250;
        long shown = 0;
        long bestTitle = 0;
        long bestDescription = 0;
        long exploring = 0;
        long exploiting = 0;
        while (!rates.explores(exploring)) {
            exploring++;
        }
        while (rates.explores(exploiting)) {
            exploiting++;
        }
        for (int g = 0; g < generations; g++) {
            rates.publish();
            // Exploring requests challenge exactly one kind: the other kind shows the same option as the exploit variant.
            int leader = decide(decider, holder, request, d, clock.get(), exploiting);
            int explored = decide(decider, holder, request, d, clock.get(), exploring);
            int differing = 0;
            for (int kind = 0; kind < AssetChoice.KINDS; kind++) {
                differing += AssetChoice.index(leader, kind) != AssetChoice.index(explored, kind) ? 1 : 0;
            }
            assertThat(differing).as("seed %d, generation %d: kinds challenged", seed, g).isEqualTo(1);
            for (int i = 0; i < perGeneration; i++) {
                long now = clock.addAndGet(1_000);
                int assets = decide(decider, holder, request, d, now, random.nextLong());
                int title = AssetChoice.index(assets, AssetChoice.TITLE);
                int description = AssetChoice.index(assets, AssetChoice.DESCRIPTION);
                int bits = AssetChoice.tracked(assets);
                rates.observe(RateEstimator.Kind.IMPRESSION, 7, 11, 101, 1010, now, bits);
                if (random.nextDouble() < BASE_CTR * TITLE[title] * DESCRIPTION[description]) {
                    rates.observe(RateEstimator.Kind.CLICK, 7, 11, 101, 1010, now, bits);
                }
                if (g >= generations * 2 / 3) {
                    shown++;
                    bestTitle += title == 2 ? 1 : 0;
                    bestDescription += description == 1 ? 1 : 0;
                }
            }
        }
        return new double[] {(double) bestTitle / shown, (double) bestDescription / shown};
    }

    /**
     * About 700 clicks over 30,000 impressions, 120 generations: by the last third the bandit shows the best title and
     * the best description on more than 85 % of impressions for every seed (the cap is 100 % less the exploring share
     * spent on that kind's challenger). Checked to fail: plain Thompson sampling with a 10-click prior (15 % and 72 %
     * for two seeds), a 2-click prior without the one-kind challenger (0.1 % to 5 % when it locked onto a wrong
     * option), exploring both kinds at once (the one-kind check); rotation would show 33 % and 50 %.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void theChoiceShareConvergesToTheBestOption(long seed) throws Exception {
        double[] shares = bestShares(seed);
        assertThat(shares[0]).as("seed %d: share of the best title in the last third", seed).isGreaterThan(0.85);
        assertThat(shares[1]).as("seed %d: share of the best description in the last third", seed).isGreaterThan(0.85);
    }

    /** The options' prior: centred on the creative's pooled CTR of that kind, weighing a few clicks only. */
    @Test
    void anOptionsPriorIsCentredOnTheCreativesPooledCtr() {
        RateEstimator e = new RateEstimator(auction().priors(), 0, 10, 10);
        // Titles 0 and 1: 10,000 impressions each, 1,000 clicks in all (5 %); title 2 never shown.
        for (int title = 0; title < 2; title++) {
            for (int i = 0; i < 10_000; i++) {
                e.observeAsset(RateEstimator.Kind.IMPRESSION, 1010, AssetChoice.TITLE, title, START);
            }
            for (int i = 0; i < 500; i++) {
                e.observeAsset(RateEstimator.Kind.CLICK, 1010, AssetChoice.TITLE, title, START);
            }
        }
        double parent = 0.002; // the creative's rate on a placement it never ran on
        double centre = e.assetPool(1010, AssetChoice.TITLE, 3, parent, LearnedRates.ASSET_PRIOR_CLICKS, START);
        assertThat(centre).as("20,000 impressions outweigh a prior of a few clicks at 0.2 %").isBetween(0.04, 0.05);
        RateEstimator.Rate unseen = e.asset(1010, AssetChoice.TITLE, 2, centre, LearnedRates.ASSET_PRIOR_CLICKS, START);
        assertThat(unseen.ctr()).as("an option never shown starts at the pooled CTR").isCloseTo(centre, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(unseen.ctrAlpha()).as("and weighs a few clicks").isCloseTo(LearnedRates.ASSET_PRIOR_CLICKS, org.assertj.core.data.Offset.offset(1e-9));
        // 100 impressions, 12 clicks (12 %): a prior of a few clicks (3: about 65 impressions at the pooled 4.6 %) lets it move most of the way.
        for (int i = 0; i < 100; i++) {
            e.observeAsset(RateEstimator.Kind.IMPRESSION, 1010, AssetChoice.TITLE, 2, START);
        }
        for (int i = 0; i < 12; i++) {
            e.observeAsset(RateEstimator.Kind.CLICK, 1010, AssetChoice.TITLE, 2, START);
        }
        double after = e.asset(1010, AssetChoice.TITLE, 2, centre, LearnedRates.ASSET_PRIOR_CLICKS, START).ctr();
        assertThat(after).isCloseTo((12 + LearnedRates.ASSET_PRIOR_CLICKS) / (100 + LearnedRates.ASSET_PRIOR_CLICKS / centre),
                org.assertj.core.data.Offset.offset(1e-9)).isBetween(0.08, 0.1);
        // No data at all: the parent's rate.
        assertThat(e.assetPool(2020, AssetChoice.TITLE, 3, parent, LearnedRates.ASSET_PRIOR_CLICKS, START)).isCloseTo(parent,
                org.assertj.core.data.Offset.offset(1e-12));
    }
}
