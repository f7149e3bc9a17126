package io.adengine.budget;

import io.adengine.config.EngineConfig;
import io.adengine.model.Bid;
import io.adengine.model.BidModel;
import io.adengine.model.Money;

/**
 * What each event costs under each billing model, in micros of the account's currency, given the
 * decision's charge per billing unit ({@code chargePerUnit}: per thousand impressions for CPM, per click
 * for CPC, per conversion for CPA, per booked day for CPT):
 *
 * <pre>
 *            served (reserved)        impression              click     conversion
 *   CPM      ceil(charge / 1000)      floor(charge / 1000)    0         0
 *   CPC      charge × pCTR            0                       charge    0
 *   CPA      charge × pCTR × pCVR     0                       0         charge
 *   CPT      0                        charge, first of the local day only   0   0
 * </pre>
 *
 * The reservation of a served ad is its expected cost (the placement priors the auction ranked with);
 * it is released when the impression arrives or after the reservation time.
 */
public final class BillingRules {

    private BillingRules() {
    }

    /** Expected cost of one served ad: what is reserved against its budgets until its events arrive. */
    public static long expectedCost(BidModel billing, long chargePerUnit, EngineConfig.Prior prior) {
        return switch (billing) {
            case CPM -> (chargePerUnit + 999) / 1000;
            case CPC -> Money.mulDiv(chargePerUnit, prior.ctrPpm(), 1_000_000L);
            case CPA -> Money.mulDiv(Money.mulDiv(chargePerUnit, prior.ctrPpm(), 1_000_000L), prior.cvrPpm(), 1_000_000L);
            case CPT -> 0;
        };
    }

    /**
     * The most one event of a group bidding {@code bid} can cost (a charge never exceeds its bid): a thousandth of
     * the bid (rounded up) per CPM impression, the bid per click, conversion or booked day. The budget gate serves
     * a group only while this still fits under each of its limits.
     */
    public static long maxCharge(Bid bid) {
        return bid.model() == BidModel.CPM ? (bid.amountMicros() + 999) / 1000 : bid.amountMicros();
    }

    /** What an impression costs; {@code firstOfLocalDay}: whether it is a CPT slot's first impression of its day. */
    public static long impressionCost(BidModel billing, long chargePerUnit, boolean firstOfLocalDay) {
        return switch (billing) {
            case CPM -> chargePerUnit / 1000;
            case CPT -> firstOfLocalDay ? chargePerUnit : 0;
            case CPC, CPA -> 0;
        };
    }

    /** What a click costs. */
    public static long clickCost(BidModel billing, long chargePerUnit) {
        return billing == BidModel.CPC ? chargePerUnit : 0;
    }

    /** What a conversion costs. */
    public static long conversionCost(BidModel billing, long chargePerUnit) {
        return billing == BidModel.CPA ? chargePerUnit : 0;
    }
}
