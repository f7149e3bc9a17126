package io.adengine.index;

import io.adengine.config.EngineConfig;
import io.adengine.model.BidModel;
import io.adengine.model.Money;

/** eCPM of a bid and the charge per billing unit of a clearing price; integer micros throughout. */
public final class Pricing {

    private Pricing() {
    }

    /**
     * eCPM in micros of the auction currency of a bid already converted to it: CPM and CPT = bid,
     * CPC = bid × pCTR × 1000, CPA = bid × pCTR × pCVR × 1000 (rates in parts per million, each
     * product floored).
     */
    public static long ecpm(BidModel model, long bidAuctionMicros, EngineConfig.Prior prior) {
        return switch (model) {
            case CPM, CPT -> bidAuctionMicros;
            case CPC -> Money.mulDiv(bidAuctionMicros, prior.ctrPpm(), 1_000L);
            case CPA -> Money.mulDiv(Money.mulDiv(bidAuctionMicros, prior.ctrPpm(), 1_000L), prior.cvrPpm(), 1_000_000L);
        };
    }

    /** As {@link #ecpm(BidModel, long, EngineConfig.Prior)} with rates given directly (parts per million, each ≥ 1). */
    public static long ecpm(BidModel model, long bidAuctionMicros, int ctrPpm, int cvrPpm) {
        return switch (model) {
            case CPM, CPT -> bidAuctionMicros;
            case CPC -> Money.mulDiv(bidAuctionMicros, ctrPpm, 1_000L);
            case CPA -> Money.mulDiv(Money.mulDiv(bidAuctionMicros, ctrPpm, 1_000L), cvrPpm, 1_000_000L);
        };
    }

    /**
     * What one billing unit costs, in micros of the account's currency, for a clearing eCPM in the
     * auction currency: per thousand impressions (CPM), per click (CPC), per conversion (CPA); CPT pays
     * its booked slot price, the bid itself. Never above the bid.
     */
    public static long chargePerUnit(Snapshot snapshot, int ordinal, long clearingCpmMicros, EngineConfig.Prior prior) {
        return chargePerUnit(snapshot, ordinal, clearingCpmMicros, prior.ctrPpm(), prior.cvrPpm());
    }

    /** As {@link #chargePerUnit(Snapshot, int, long, EngineConfig.Prior)} with the rates the ad ranked with. */
    public static long chargePerUnit(Snapshot snapshot, int ordinal, long clearingCpmMicros, int ctrPpm, int cvrPpm) {
        BidModel model = snapshot.group(ordinal).bid().model();
        long auctionMicros = switch (model) {
            case CPT -> -1;
            case CPM -> clearingCpmMicros;
            case CPC -> Money.mulDiv(clearingCpmMicros, 1_000L, ctrPpm);
            case CPA -> Money.mulDiv(clearingCpmMicros, 1_000_000_000L, (long) ctrPpm * cvrPpm);
        };
        if (auctionMicros < 0) {
            return snapshot.group(ordinal).bid().amountMicros();
        }
        return Money.mulDiv(auctionMicros, 1_000_000L, snapshot.accountMicrosPerUnit(ordinal));
    }
}
