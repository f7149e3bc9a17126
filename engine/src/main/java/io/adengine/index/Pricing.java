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

    /**
     * What one billing unit costs, in micros of the account's currency, for a clearing eCPM in the
     * auction currency: per thousand impressions (CPM), per click (CPC), per conversion (CPA); CPT pays
     * its booked slot price, the bid itself. Never above the bid.
     */
    public static long chargePerUnit(Snapshot snapshot, int ordinal, long clearingCpmMicros, EngineConfig.Prior prior) {
        BidModel model = snapshot.group(ordinal).bid().model();
        long auctionMicros = switch (model) {
            case CPT -> -1;
            case CPM -> clearingCpmMicros;
            case CPC -> Money.mulDiv(clearingCpmMicros, 1_000L, prior.ctrPpm());
            case CPA -> Money.mulDiv(clearingCpmMicros, 1_000_000_000L, (long) prior.ctrPpm() * prior.cvrPpm());
        };
        if (auctionMicros < 0) {
            return snapshot.group(ordinal).bid().amountMicros();
        }
        return Money.mulDiv(auctionMicros, 1_000_000L, snapshot.accountMicrosPerUnit(ordinal));
    }
}
