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
import io.adengine.model.NotServedReason;
import io.adengine.model.Objective;
import io.adengine.model.PaymentMode;
import io.adengine.model.PlacementType;
import io.adengine.model.PromotionTarget;
import io.adengine.model.ReviewStatus;
import io.adengine.model.Schedule;
import io.adengine.model.Targeting;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The network reserve price: an ad alone in its auction on an ad space with floor 0 pays the reserve, not 0
 * (the free-impression row of issue 12); a higher space floor wins over the reserve; an ad whose eCPM is under
 * the reserve is not served (explain says BELOW_FLOOR); and no ad ever pays more than its own eCPM.
 */
class ReservePriceTest {

    private static final long RESERVE = EngineConfig.AuctionConfig.RESERVE_PRICE_DEFAULT;

    @Test
    void anAdAloneOnAFloorZeroSpacePaysTheReservePriceNotZero() {
        Decision d = decide(catalog(2_000_000, 0), RESERVE);

        assertThat(d.filled()).isEqualTo(1);
        assertThat(d.clearingCpm(0)).isEqualTo(RESERVE);
        // CPM: the charge per thousand is the clearing price; each impression then costs 100 micros, not 0.
        assertThat(d.chargePerUnit(0)).isEqualTo(RESERVE);
    }

    @Test
    void withoutAReservePriceTheSameAdWouldPayZero() {
        // The baseline the reserve exists for: this is what today's engine charged.
        Decision d = decide(catalog(2_000_000, 0), 0);

        assertThat(d.filled()).isEqualTo(1);
        assertThat(d.clearingCpm(0)).isZero();
    }

    @Test
    void aSpaceFloorAboveTheReserveIsWhatTheLoneAdPays() {
        Decision d = decide(catalog(2_000_000, 500_000), RESERVE);

        assertThat(d.clearingCpm(0)).isEqualTo(500_000);
    }

    @Test
    void anAdBidBetweenNothingAndTheReserveIsNotServedAndExplainSaysBelowFloor() {
        Catalog catalog = catalog(RESERVE - 1, 0);
        EngineConfig.AuctionConfig auction = auction(RESERVE);
        Snapshot snapshot = new SnapshotBuilder(auction).build(catalog);
        AdRequest request = request();

        Decision d = new AdDecider().decide(snapshot, request, new Decision());
        Decision explained = new AdDecider().decide(snapshot, request().explain(true).explainAdGroupId(10), new Decision());

        assertThat(d.filled()).isZero();
        assertThat(explained.explain().reason()).isEqualTo(NotServedReason.BELOW_FLOOR);
        assertThat(ReferenceMatcher.match(catalog, auction, request).ads()).isEmpty();
    }

    @Test
    void anAdBidExactlyAtTheReservePaysItsBidAndNeverMore() {
        Decision d = decide(catalog(RESERVE, 0), RESERVE);

        assertThat(d.filled()).isEqualTo(1);
        assertThat(d.clearingCpm(0)).isEqualTo(RESERVE);
        assertThat(d.clearingCpm(0)).isLessThanOrEqualTo(d.ecpm(0));
    }

    private static Decision decide(Catalog catalog, long reserve) {
        EngineConfig.AuctionConfig auction = auction(reserve);
        Snapshot snapshot = new SnapshotBuilder(auction).build(catalog);
        Decision d = new AdDecider().decide(snapshot, request(), new Decision());
        // The brute-force reference prices the same way.
        List<ReferenceMatcher.Ad> ads = ReferenceMatcher.match(catalog, auction, request()).ads();
        assertThat(ads).hasSize(d.filled());
        for (int i = 0; i < d.filled(); i++) {
            assertThat(ads.get(i).clearingCpm()).isEqualTo(d.clearingCpm(i));
        }
        return d;
    }

    private static EngineConfig.AuctionConfig auction(long reserve) {
        EngineConfig.AuctionConfig defaults = EngineConfig.AuctionConfig.defaults();
        return new EngineConfig.AuctionConfig(Currency.USD, defaults.microsPerUnit(), defaults.priors(), reserve);
    }

    private static AdRequest request() {
        return new AdRequest().adSpaceId(7).count(1).nowMillis(RandomCatalogs.BASE_MILLIS);
    }

    private static Catalog catalog(long cpmBidMicros, long floorCpmMicros) {
        AdGroup g = new AdGroup(10, 1, 1, "g", null, InstallStateTarget.ALL_USERS, Set.of(PlacementType.BANNER), Set.of(), Set.of(),
                Targeting.ANY, new Schedule(0, LocalDate.of(2026, 1, 1), null, HoursOfWeek.ALL_DAY), Budget.UNLIMITED,
                new Bid(BidModel.CPM, cpmBidMicros), ReviewStatus.APPROVED, null, true);
        Creative c = new Creative(100, 1, 10, "c", CreativeFormat.BANNER, List.of("t"), List.of(), List.of(),
                List.of(new Asset("https://x/i.png", 640, 100, 1000, 0)), List.of(), null, "https://x", null, List.of(), List.of(),
                ReviewStatus.APPROVED, false);
        return new Catalog(1,
                List.of(new Account(1, 1, "a", AccountType.ADVERTISER, "c", "games", Currency.USD, AccountStatus.APPROVED,
                        PaymentMode.PREPAID, 1_000_000_000, 0, false)),
                List.of(new Campaign(1, 1, 1, "k", Objective.PERFORMANCE, PromotionTarget.NON_DOWNLOAD, true)), List.of(g), List.of(c),
                List.of(new AdSpace(7, 1, 1, "s", PlacementType.BANNER, Set.of(CreativeFormat.BANNER), floorCpmMicros)));
    }
}
