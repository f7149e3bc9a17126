package io.adengine.learn;

import io.adengine.catalog.CatalogJson;
import io.adengine.config.EngineConfig;
import io.adengine.config.LearningConfig;
import io.adengine.index.SnapshotBuilder;
import io.adengine.index.SnapshotHolder;
import io.adengine.match.AdDecider;
import io.adengine.match.AdRequest;
import io.adengine.match.BudgetGate;
import io.adengine.match.Decision;
import io.adengine.match.UserTargeting;
import io.adengine.model.Catalog;
import io.adengine.model.Creative;
import io.adengine.model.Dimension;
import io.adengine.model.PlacementType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Learned rates in service: two CPC groups bid the same, so on the priors the lower id wins; once the second
 * one's creative is clicked far more often and a generation is published, it wins, ranks and is charged
 * with its learned pCTR, and shows its better creative; exploration moves some requests; the state file
 * brings the same rates back after a restart, and a corrupt one is refused (back to the priors).
 */
class LearnedRatesTest {

    private static final long NOW = 1_780_000_000_000L;

    static Catalog catalog() throws Exception {
        StringBuilder groups = new StringBuilder();
        StringBuilder creatives = new StringBuilder();
        for (int g = 1; g <= 2; g++) {
            groups.append(g > 1 ? "," : "").append("""
                    {"id": %d, "version": 1, "campaignId": %d, "name": "G", "placements": ["FEED"], "targeting": {},
                     "schedule": {"utcOffsetHours": 0, "start": "2026-01-01"}, "budget": {"totalMicros": 0, "dailyMicros": 0},
                     "bid": {"model": "CPC", "amountMicros": 500000}, "review": "APPROVED", "deliveryOn": true}
                    """.formatted(100 + g, 10 + g));
            for (int c = 0; c < 2; c++) {
                creatives.append(creatives.length() > 0 ? "," : "").append("""
                        {"id": %d, "version": 1, "adGroupId": %d, "name": "cr", "format": "LARGE_NEWSFEED_IMAGE",
                         "titles": ["t0", "t1", "t2"], "descriptions": ["d"], "buttons": ["Install"],
                         "images": [{"url": "https://cdn.example.com/i.jpg", "width": 1200, "height": 628, "bytes": 1000}], "videos": [],
                         "clickUrl": "https://example.com/landing", "impressionTrackers": [], "videoTrackers": [], "review": "APPROVED"}
                        """.formatted(1000 + 10 * g + c, 100 + g));
            }
        }
        String json = """
                {"version": 1,
                 "accounts": [{"id": 1, "version": 1, "name": "A", "type": "ADVERTISER", "company": "A Ltd", "industry": "games",
                   "currency": "USD", "status": "APPROVED", "paymentMode": "PREPAID", "balanceMicros": 1000000000000, "creditLimitMicros": 0,
                   "commitmentLetterOnFile": false}],
                 "campaigns": [{"id": 11, "version": 1, "accountId": 1, "name": "C1", "objective": "PERFORMANCE", "promotion": "NON_DOWNLOAD", "enabled": true},
                               {"id": 12, "version": 1, "accountId": 1, "name": "C2", "objective": "PERFORMANCE", "promotion": "NON_DOWNLOAD", "enabled": true}],
                 "adGroups": [%s],
                 "creatives": [%s],
                 "adSpaces": [{"id": 7, "version": 1, "publisherId": 7, "name": "feed", "placement": "FEED",
                   "formats": ["LARGE_NEWSFEED_IMAGE"], "floorCpmMicros": 0}]}
                """.formatted(groups, creatives);
        return CatalogJson.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static LearningConfig config(int explorePermille, Path state) {
        return new LearningConfig(true, 1_440, 10, 10, 10_000, explorePermille, state, 60);
    }

    private static Decision decide(SnapshotHolder holder, LearnedRates rates, long seed) {
        return decide(holder, rates, seed, 1);
    }

    private static Decision decide(SnapshotHolder holder, LearnedRates rates, long seed, int count) {
        AdRequest request = new AdRequest();
        request.adSpaceId(7).count(count).nowMillis(NOW).seed(seed);
        request.value(Dimension.COUNTRY, "IN");
        return new AdDecider(BudgetGate.UNLIMITED, UserTargeting.UNKNOWN_USERS, rates).decide(holder.current(), request, new Decision());
    }

    @Test
    void clicksMoveTheRankingChargeAndCreative(@TempDir Path dir) throws Exception {
        EngineConfig.AuctionConfig auction = EngineConfig.AuctionConfig.defaults();
        SnapshotHolder holder = new SnapshotHolder(new SnapshotBuilder(auction).build(catalog()));
        AtomicLong clock = new AtomicLong(NOW);
        Path state = dir.resolve("learned.bin");
        LearnedRates rates = new LearnedRates(config(0, state), auction.priors(), holder, clock::get);
        int prior = auction.priors().get(PlacementType.FEED).ctrPpm();

        Decision before = decide(holder, rates, 1);
        assertThat(holder.current().group(before.ordinal(0)).id()).as("a tie on the priors: the lower id").isEqualTo(101);
        assertThat(before.ctrPpm(0)).isEqualTo(prior);

        // Group 102's second creative: 10,000 impressions, 800 clicks (8 %); group 101: 10,000 impressions, 50 clicks (0.5 %).
        for (int i = 0; i < 10_000; i++) {
            rates.observe(RateEstimator.Kind.IMPRESSION, 7, 12, 102, 1021, NOW - 1000);
            rates.observe(RateEstimator.Kind.IMPRESSION, 7, 11, 101, 1010, NOW - 1000);
        }
        for (int i = 0; i < 800; i++) {
            rates.observe(RateEstimator.Kind.CLICK, 7, 12, 102, 1021, NOW - 500);
        }
        // Its first creative: 10,000 impressions, 100 clicks (1 %): the group shows the second one.
        for (int i = 0; i < 10_000; i++) {
            rates.observe(RateEstimator.Kind.IMPRESSION, 7, 12, 102, 1020, NOW - 1000);
        }
        for (int i = 0; i < 100; i++) {
            rates.observe(RateEstimator.Kind.CLICK, 7, 12, 102, 1020, NOW - 500);
        }
        for (int i = 0; i < 50; i++) {
            rates.observe(RateEstimator.Kind.CLICK, 7, 11, 101, 1010, NOW - 500);
        }
        assertThat(holder.current().group(decide(holder, rates, 1).ordinal(0)).id()).as("nothing changes before a publish").isEqualTo(101);
        rates.publish();
        Decision after = decide(holder, rates, 1);
        assertThat(holder.current().group(after.ordinal(0)).id()).isEqualTo(102);
        // It ranks with the rates of the creative it shows.
        RateEstimator.Rate learned = rates.creative(PlacementType.FEED, 12, 102, 1021);
        assertThat(after.ctrPpm(0)).isEqualTo((int) Math.round(learned.ctr() * 1e6));
        assertThat(after.cvrPpm(0)).isEqualTo((int) Math.round(learned.cvr() * 1e6));
        assertThat(learned.ctr()).as("800 clicks in 10,000 impressions, little shrunk").isBetween(0.075, 0.085);
        assertThat(after.creative(0).id()).as("the better creative").isEqualTo(1021);
        // Second price with learned rates: the runner-up's eCPM + 1, divided by the winner's own pCTR.
        long runnerUp = 500_000L * decide(holder, rates, 1).ctrPpm(0) / 1000;
        assertThat(after.clearingCpm(0)).isGreaterThan(0);
        assertThat(after.chargePerUnit(0)).isEqualTo((after.clearingCpm(0)) * 1000 / after.ctrPpm(0));
        assertThat(runnerUp).isPositive();

        // A restart reads the same counts back.
        rates.close();
        LearnedRates restarted = new LearnedRates(config(0, state), auction.priors(), holder, clock::get);
        assertThat(restarted.creative(PlacementType.FEED, 12, 102, 1021)).isEqualTo(learned);
        assertThat(decide(holder, restarted, 1).ctrPpm(0)).isEqualTo(after.ctrPpm(0));

        // A corrupt file: refused, back to the priors.
        byte[] bytes = Files.readAllBytes(state);
        bytes[bytes.length / 2] ^= 1;
        Files.write(state, bytes);
        LearnedRates fresh = new LearnedRates(config(0, state), auction.priors(), holder, clock::get);
        assertThat(decide(holder, fresh, 1).ctrPpm(0)).isEqualTo(prior);
    }

    @Test
    void theExplorationShareIsWhatIsConfigured() throws Exception {
        EngineConfig.AuctionConfig auction = EngineConfig.AuctionConfig.defaults();
        SnapshotHolder holder = new SnapshotHolder(new SnapshotBuilder(auction).build(catalog()));
        LearnedRates rates = new LearnedRates(config(100, null), auction.priors(), holder, () -> NOW);
        int explored = 0;
        for (long seed = 0; seed < 100_000; seed++) {
            if (rates.explores(seed)) {
                explored++;
            }
        }
        assertThat(explored).isBetween(9_500, 10_500);
        LearnedRates none = new LearnedRates(config(0, null), auction.priors(), holder, () -> NOW);
        for (long seed = 0; seed < 10_000; seed++) {
            assertThat(none.explores(seed)).isFalse();
        }
        // With no evidence the exploring variant draws around the prior; with 10 % exploration some requests rank differently.
        int differs = 0;
        int prior = auction.priors().get(PlacementType.FEED).ctrPpm();
        for (long seed = 0; seed < 2_000; seed++) {
            Decision d = decide(holder, rates, seed);
            if (d.ctrPpm(0) != prior) {
                differs++;
                assertThat(rates.explores(seed)).isTrue();
            }
        }
        assertThat(differs).isBetween(100, 300);
    }

    /**
     * The title bandit: with many impressions of each title and title 2 clicked 5x as often, nearly every answer shows
     * title 2 after a publish (Thompson draws from tight posteriors), the impression id carries the choice, and the
     * raw counts per asset are what was observed.
     */
    @Test
    void theTitleBanditShowsTheBestTitleAndCountsPerAsset() throws Exception {
        EngineConfig.AuctionConfig auction = EngineConfig.AuctionConfig.defaults();
        SnapshotHolder holder = new SnapshotHolder(new SnapshotBuilder(auction).build(catalog()));
        LearnedRates rates = new LearnedRates(config(0, null), auction.priors(), holder, () -> NOW);
        for (int title = 0; title < 3; title++) {
            int bits = io.adengine.match.AssetChoice.tracked(io.adengine.match.AssetChoice.pack(title, 0, 0, 0));
            for (int i = 0; i < 20_000; i++) {
                rates.observe(RateEstimator.Kind.IMPRESSION, 7, 11, 101, 1010, NOW - 1000, bits);
            }
            for (int i = 0; i < (title == 2 ? 1_000 : 200); i++) {
                rates.observe(RateEstimator.Kind.CLICK, 7, 11, 101, 1010, NOW - 500, bits);
            }
        }
        // The group's other creative is clicked far less: the group shows 1010.
        for (int i = 0; i < 20_000; i++) {
            rates.observe(RateEstimator.Kind.IMPRESSION, 7, 11, 101, 1011, NOW - 1000);
        }
        for (int i = 0; i < 20; i++) {
            rates.observe(RateEstimator.Kind.CLICK, 7, 11, 101, 1011, NOW - 500);
        }
        Decision before = decide(holder, rates, 3);
        rates.publish();
        int best = 0;
        int shown101 = 0;
        io.adengine.events.TrackerMint mint = new io.adengine.events.TrackerMint(
                new io.adengine.events.TrackerSigner("0123456789abcdef0123".getBytes(StandardCharsets.UTF_8)), 3600);
        for (long seed = 0; seed < 200; seed++) {
            Decision d = decide(holder, rates, seed, 2);
            AdRequest request = new AdRequest();
            request.adSpaceId(7).count(2).nowMillis(NOW).seed(seed);
            io.adengine.events.Impressions imps = mint.mint(holder.current(), request, d, new io.adengine.events.Impressions());
            for (int slot = 0; slot < d.filled(); slot++) {
                assertThat((int) (imps.hi(slot) >>> 32 & 0xffff)).isEqualTo(io.adengine.match.AssetChoice.tracked(d.assets(slot)));
                if (d.creative(slot).id() != 1010) {
                    continue;
                }
                shown101++;
                if (io.adengine.match.AssetChoice.index(d.assets(slot), io.adengine.match.AssetChoice.TITLE) == 2) {
                    best++;
                }
            }
        }
        assertThat(shown101).isPositive();
        assertThat(best).as("answers with the best title").isEqualTo(shown101);
        assertThat(before.assets(0)).isNotNull();
        Creative c = holder.current().catalog().creativesOf(101).get(0);
        assertThat(rates.assetCounts(c)).filteredOn(r -> r.kind() == io.adengine.match.AssetChoice.TITLE)
                .extracting(RateEstimator.AssetCounts::impressions, RateEstimator.AssetCounts::clicks)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(20_000L, 200L), org.assertj.core.groups.Tuple.tuple(20_000L, 200L),
                        org.assertj.core.groups.Tuple.tuple(20_000L, 1_000L));
    }
}
