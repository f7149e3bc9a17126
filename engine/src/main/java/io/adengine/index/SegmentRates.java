package io.adengine.index;

import io.adengine.model.BidModel;
import io.adengine.model.PlacementType;

import java.util.Set;

/**
 * Learned click and conversion rates of one {@link Segment}'s ordinals, per placement type, with the eCPMs
 * they give and a <em>walk bound</em> per ordinal: inside a rank block ordinals are in bid order, not in
 * learned-eCPM order, so the best-first walk leaves a block on the bound {@code ecpm(bid, max pCTR of the
 * block, max pCVR of the block)}, which never rises along the block and is never below an ordinal's own
 * eCPM: the early exit stays exact, it only visits more candidates the more the rates inside a block differ.
 * Also a score per creative of each ordinal's group (its pCTR, or a posterior draw), which picks the
 * creative. Immutable; built off the serving path, read by it without locks or allocation.
 */
public final class SegmentRates {

    private static final PlacementType[] PLACEMENTS = PlacementType.values();

    /** The rates of a group (local ordinal) on a placement, packed {@code ctrPpm << 32 | cvrPpm}; each 1..1,000,000. */
    @FunctionalInterface
    public interface GroupRates {
        long rates(int ordinal, PlacementType placement);
    }

    /** The asset choice (packed as {@code match.AssetChoice}) of creative {@code k} of a group, or {@code -1}: rotate by seed. */
    @FunctionalInterface
    public interface AssetChoices {
        int choice(int ordinal, int k);
    }

    /** The score of creative {@code k} (index into {@link Segment#creatives}) of a group on a placement: higher is shown first. */
    @FunctionalInterface
    public interface CreativeScores {
        int score(int ordinal, int k, PlacementType placement);
    }

    private final int[][] ctr = new int[PLACEMENTS.length][];
    private final int[][] cvr = new int[PLACEMENTS.length][];
    private final long[][] ecpm = new long[PLACEMENTS.length][];
    private final long[][] bound = new long[PLACEMENTS.length][];
    private final int[][] creativeScore = new int[PLACEMENTS.length][];
    private final int[] creativeStart;
    private final int[] assetChoice;

    private SegmentRates(int[] creativeStart) {
        this.creativeStart = creativeStart;
        this.assetChoice = new int[creativeStart[creativeStart.length - 1]];
    }

    /** Packs two rates (each clamped to 1..1,000,000 ppm) for {@link GroupRates}. */
    public static long pack(int ctrPpm, int cvrPpm) {
        return (long) clamp(ctrPpm) << 32 | clamp(cvrPpm);
    }

    public static int clamp(long ppm) {
        return (int) Math.max(1, Math.min(1_000_000, ppm));
    }

    /** Computes the rates of every ordinal of {@code segment} on each of {@code placements}. */
    public static SegmentRates compute(Segment segment, Set<PlacementType> placements, GroupRates rates, CreativeScores scores) {
        return compute(segment, placements, rates, scores, (o, k) -> -1);
    }

    /** As above, with learned asset choices per creative. */
    public static SegmentRates compute(Segment segment, Set<PlacementType> placements, GroupRates rates, CreativeScores scores,
                                       AssetChoices assets) {
        int n = segment.size();
        int[] start = new int[n + 1];
        for (int o = 0; o < n; o++) {
            start[o + 1] = start[o] + segment.creatives(o).length;
        }
        SegmentRates r = new SegmentRates(start);
        for (int o = 0; o < n; o++) {
            for (int k = 0; k < start[o + 1] - start[o]; k++) {
                r.assetChoice[start[o] + k] = assets.choice(o, k);
            }
        }
        for (PlacementType p : placements) {
            int[] c = new int[n];
            int[] v = new int[n];
            long[] e = new long[n];
            long[] b = new long[n];
            int[] s = new int[start[n]];
            for (int block = 0; block < Snapshot.RANK_BLOCKS; block++) {
                int from = segment.blockStart(block);
                int to = segment.blockStart(block + 1);
                int maxCtr = 1;
                int maxCvr = 1;
                for (int o = from; o < to; o++) {
                    long packed = rates.rates(o, p);
                    c[o] = clamp(packed >>> 32);
                    v[o] = clamp(packed & 0xffff_ffffL);
                    maxCtr = Math.max(maxCtr, c[o]);
                    maxCvr = Math.max(maxCvr, v[o]);
                }
                for (int o = from; o < to; o++) {
                    BidModel model = segment.group(o).bid().model();
                    long bid = segment.bidAuctionMicros(o);
                    e[o] = Pricing.ecpm(model, bid, c[o], v[o]);
                    b[o] = Pricing.ecpm(model, bid, maxCtr, maxCvr);
                    for (int k = 0; k < start[o + 1] - start[o]; k++) {
                        s[start[o] + k] = scores.score(o, k, p);
                    }
                }
            }
            r.ctr[p.ordinal()] = c;
            r.cvr[p.ordinal()] = v;
            r.ecpm[p.ordinal()] = e;
            r.bound[p.ordinal()] = b;
            r.creativeScore[p.ordinal()] = s;
        }
        return r;
    }

    /** Whether rates were computed for this placement type (otherwise the placement's priors apply). */
    public boolean covers(PlacementType placement) {
        return ctr[placement.ordinal()] != null;
    }

    public int ctrPpm(PlacementType placement, int ordinal) {
        return ctr[placement.ordinal()][ordinal];
    }

    public int cvrPpm(PlacementType placement, int ordinal) {
        return cvr[placement.ordinal()][ordinal];
    }

    /** eCPM (auction-currency micros) of every ordinal with these rates. Never modify the result. */
    public long[] ecpmOn(PlacementType placement) {
        return ecpm[placement.ordinal()];
    }

    /** The walk bound of every ordinal (see the class comment). Never modify the result. */
    public long[] boundOn(PlacementType placement) {
        return bound[placement.ordinal()];
    }

    /** The learned asset choice of creative {@code k} of an ordinal's group, or {@code -1} (rotate by seed). */
    public int assetChoice(int ordinal, int k) {
        return assetChoice[creativeStart[ordinal] + k];
    }

    /** Score of creative {@code k} of an ordinal's group. */
    public int creativeScore(PlacementType placement, int ordinal, int k) {
        return creativeScore[placement.ordinal()][creativeStart[ordinal] + k];
    }
}
