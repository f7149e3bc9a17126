package io.adengine.match;

import io.adengine.config.EngineConfig;
import io.adengine.index.Snapshot;
import io.adengine.index.SnapshotBuilder;
import io.adengine.model.Account;
import io.adengine.model.AccountStatus;
import io.adengine.model.AccountType;
import io.adengine.model.AdGroup;
import io.adengine.model.AdSpace;
import io.adengine.model.Asset;
import io.adengine.model.Bid;
import io.adengine.model.BidModel;
import io.adengine.model.Budget;
import io.adengine.model.Campaign;
import io.adengine.model.Catalog;
import io.adengine.model.Creative;
import io.adengine.model.CreativeFormat;
import io.adengine.model.Currency;
import io.adengine.model.HoursOfWeek;
import io.adengine.model.InstallStateTarget;
import io.adengine.model.Objective;
import io.adengine.model.PaymentMode;
import io.adengine.model.PlacementType;
import io.adengine.model.PromotionTarget;
import io.adengine.model.ReviewStatus;
import io.adengine.model.Schedule;
import io.adengine.model.Targeting;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The best-first auction walks each rank block in bid order and stops early; an eCPM tie between
 * different bids (flooring makes them equal) must still go to the lower ad group id, even when that
 * group comes later in the walk than the current last place.
 */
class AdDeciderTieTest {

    @Test
    void decideShouldBreakEcpmTiesByLowerIdWhenTheLowerIdHasTheLowerBid() {
        // CPC at 1 ppm pCTR: bid × 1e-6 × 1000 floors 1,000,000 / 1,000,001 / 1,000,999 micros to the same eCPM, 1,000.
        List<AdGroup> groups = List.of(group(30, 3, 1_000_999), group(20, 2, 1_000_001), group(10, 1, 1_000_000));
        List<Creative> creatives = new ArrayList<>();
        for (AdGroup g : groups) {
            creatives.add(new Creative(g.id() * 10, 1, g.id(), "c", CreativeFormat.BANNER, List.of("t"), List.of(), List.of(),
                    List.of(new Asset("https://x/i.png", 640, 100, 1000, 0)), List.of(), null, "https://x", null, List.of(), List.of(),
                    ReviewStatus.APPROVED, false));
        }
        Catalog catalog = new Catalog(1,
                List.of(new Account(1, 1, "a", AccountType.ADVERTISER, "c", "games", Currency.USD, AccountStatus.APPROVED,
                        PaymentMode.PREPAID, 1_000_000_000, 0, false)),
                List.of(campaign(1), campaign(2), campaign(3)), groups, creatives,
                List.of(new AdSpace(7, 1, 1, "s", PlacementType.BANNER, Set.of(CreativeFormat.BANNER), 0)));
        Map<PlacementType, EngineConfig.Prior> priors = new EnumMap<>(EngineConfig.AuctionConfig.defaults().priors());
        priors.put(PlacementType.BANNER, new EngineConfig.Prior(1, 1_000_000));
        EngineConfig.AuctionConfig auction = new EngineConfig.AuctionConfig(Currency.USD, EngineConfig.AuctionConfig.defaults().microsPerUnit(), priors, 0);
        Snapshot snapshot = new SnapshotBuilder(auction).build(catalog);
        AdRequest request = new AdRequest().adSpaceId(7).count(1).nowMillis(RandomCatalogs.BASE_MILLIS);

        Decision decision = new AdDecider().decide(snapshot, request, new Decision());

        assertThat(decision.filled()).isEqualTo(1);
        assertThat(snapshot.group(decision.ordinal(0)).id()).isEqualTo(10L);
        assertThat(decision.ecpm(0)).isEqualTo(1_000L);
        // Its runner-up is id 20 at the same eCPM: the second price can only be the winner's own eCPM.
        assertThat(decision.clearingCpm(0)).isEqualTo(1_000L);
        assertThat(ReferenceMatcher.match(catalog, auction, request).ads().get(0).adGroupId()).isEqualTo(10L);
    }

    private static Campaign campaign(long id) {
        return new Campaign(id, 1, 1, "k", Objective.PERFORMANCE, PromotionTarget.NON_DOWNLOAD, true);
    }

    private static AdGroup group(long id, long campaignId, long bidMicros) {
        return new AdGroup(id, 1, campaignId, "g", null, InstallStateTarget.ALL_USERS, Set.of(PlacementType.BANNER), Set.of(), Set.of(),
                Targeting.ANY, new Schedule(0, LocalDate.of(2026, 1, 1), null, HoursOfWeek.ALL_DAY), Budget.UNLIMITED,
                new Bid(BidModel.CPC, bidMicros), ReviewStatus.APPROVED, null, true);
    }
}
