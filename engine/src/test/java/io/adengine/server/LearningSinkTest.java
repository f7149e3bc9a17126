package io.adengine.server;

import io.adengine.catalog.CatalogJson;
import io.adengine.config.EngineConfig;
import io.adengine.config.LearningConfig;
import io.adengine.events.BillingEvent;
import io.adengine.events.EventPipeline;
import io.adengine.events.KafkaEventSink;
import io.adengine.index.SnapshotBuilder;
import io.adengine.index.SnapshotHolder;
import io.adengine.learn.LearnedRates;
import io.adengine.learn.RateEstimator;
import io.adengine.model.PlacementType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The learning sink teaches the conversion rate goal conversions only (conversionEvents), never the other ones. */
class LearningSinkTest {

    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    /** A counted event of the sample's CPA group 101 on its interstitial ad space 103 (built as a consumer would read it). */
    private static BillingEvent event(String type, String conversionEvent, boolean goal) {
        String json = """
                {"schemaVersion":1,"type":"%s","timeMillis":%d,"impressionId":"494e0c3f5e2a4b7d8c1f00aa12bb34cd","country":"IN",
                 "adSpaceId":103,"publisherId":2,"campaignId":10,"adGroupId":101,"accountId":1,"creativeId":1010,"billing":"CPA",
                 "chargePerUnitMicros":1,"reservedMicros":0,"chargedMicros":0,"unchargedMicros":0,"overBudget":false,
                 "expiresEpochSeconds":1,"replicaId":0,"conversionEvent":"%s","revenueMicros":0,"goal":%s}
                """.formatted(type, NOW - 1_000, conversionEvent, goal);
        BillingEvent e = new BillingEvent();
        assertThat(KafkaEventSink.decode(json.getBytes(StandardCharsets.UTF_8), e)).isTrue();
        return e;
    }

    @Test
    void onlyGoalConversionsShouldTeachTheConversionRate() throws Exception {
        EngineConfig.AuctionConfig auction = EngineConfig.AuctionConfig.defaults();
        SnapshotHolder holder = new SnapshotHolder(new SnapshotBuilder(auction)
                .build(CatalogJson.read(Path.of("..", "config", "sample-catalog.json"))));
        LearnedRates rates = new LearnedRates(new LearningConfig(true, 1_440, 10, 10, 10_000, 0, dir.resolve("learned.bin"), 60),
                auction.priors(), holder, () -> NOW);
        EventPipeline.EventSink sink = LearningSink.before(rates, EventPipeline.EventSink.NONE);
        for (int i = 0; i < 200; i++) {
            sink.accept(event("impression", "", true), false);
            sink.accept(event("click", "", true), false);
        }
        double start = rates.adGroup(PlacementType.INTERSTITIAL, 10, 101).cvr();

        for (int i = 0; i < 100; i++) {
            sink.accept(event("conversion", "level.up", false), i == 99);
        }
        RateEstimator.Rate afterOthers = rates.adGroup(PlacementType.INTERSTITIAL, 10, 101);
        for (int i = 0; i < 100; i++) {
            sink.accept(event("conversion", "install", true), i == 99);
        }
        RateEstimator.Rate afterGoals = rates.adGroup(PlacementType.INTERSTITIAL, 10, 101);

        assertThat(afterOthers.cvr()).as("100 other conversions in 200 clicks teach nothing").isEqualTo(start);
        assertThat(afterGoals.cvr()).as("100 goal conversions in 200 clicks").isGreaterThan(start + 0.2);
        rates.close();
    }
}
