/**
 * One ad decision: filters (index bitmaps), ranking by eCPM in one auction currency, the second-price
 * auction, creative choice and explain.
 *
 * <pre>
 *  AdRequest ──▶ AdDecider.decide(snapshot, request, decision)
 *                 │ walk servable(ad space) and the country list together, in ordinal (= rank) order
 *                 │ per visited candidate: floor or worse than the last ⇒ next rank block;
 *                 │   schedule, user, region, language, network, carrier, model, OS: one contains each
 *                 │ top count+1 by (tier, eCPM, id), at most one per campaign   (fixed scratch arrays)
 *                 └▶ Decision: ads with clearing price, charge, creative; Explain when asked
 *                    (explain runs the full bitmap chain so that it can count each stage)
 * </pre>
 *
 * Ranking: booked slots (CPT) first, then brand guaranteed CPM, then performance by eCPM, where
 * CPM = bid, CPC = bid × pCTR × 1000, CPA = bid × pCTR × pCVR × 1000 (priors per placement type, in
 * parts per million, integer arithmetic). Performance ads pay the second price: just enough to beat
 * the next ranked ad (its eCPM + 1 micro), never below the floor, never above their own eCPM. Brand
 * deliveries pay their bid.
 */
package io.adengine.match;
