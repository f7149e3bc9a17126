package io.adengine.learn;

import io.adengine.config.EngineConfig;
import io.adengine.model.PlacementType;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * pCTR and pCVR per creative from counted impressions, clicks and conversions, with hierarchical Bayesian
 * shrinkage and exponential time decay. Pure and deterministic: the caller passes every event's time and
 * the instant of every query; nothing reads a clock. Not thread-safe (one writer; {@link LearnedRates}
 * serialises access).
 *
 * <p><b>Decay.</b> An event at time {@code t} weighs {@code 2^(-(now - t) / halfLife)} at {@code now}; every
 * count below is such a weighted sum (a half-life of 0 turns decay off: every event weighs 1).
 *
 * <p><b>Shrinkage.</b> Per placement type the levels are: the placement (all its events), the campaign on it,
 * the ad group on it, the creative on it. With decayed counts {@code I} impressions, {@code C} clicks and
 * {@code V} conversions at a level and the parent's rates {@code ctr'} and {@code cvr'} (the config prior
 * above the placement), the level's posterior is a Beta whose prior weighs {@code a} expected clicks (resp.
 * {@code b} expected conversions) at the parent's rate, i.e. {@code s = a / ctr'} pseudo-impressions and
 * {@code t = b / cvr'} pseudo-clicks:
 * <pre>
 *   ctr = (C + s·ctr') / (max(I, C) + s)        cvr = (V + t·cvr') / (max(C, V) + t)
 * </pre>
 * so a level with little evidence keeps its parent's rate and one with much follows its own counts
 * ({@code max} guards against clicks whose impressions were lost). Weighing the prior in expected successes
 * gives every level the same relative spread whatever its rate ({@code ≈ 1/√a}): a prior of 200 impressions
 * is strong for a 20 % CTR and almost nothing for a 0.4 % one.
 */
public final class RateEstimator {

    /** The levels of the hierarchy, most general first. */
    public enum Level { PLACEMENT, CAMPAIGN, AD_GROUP, CREATIVE }

    /** A posterior at one level: mean rates and the Beta parameters they come from. */
    public record Rate(double ctr, double cvr, double ctrAlpha, double ctrBeta, double cvrAlpha, double cvrBeta) {

        /** A draw of (ctr, cvr) from the posterior (Thompson sampling). */
        public double[] sample(SplittableRandom random) {
            return new double[] {Beta.sample(random, ctrAlpha, ctrBeta), Beta.sample(random, cvrAlpha, cvrBeta)};
        }

        /**
         * A draw of the CTR from the posterior sharpened by {@code sharpness}: the Beta with both parameters multiplied
         * by it, the same mean and about {@code 1/sharpness} of the variance (1: plain Thompson sampling).
         */
        public double sampleCtr(SplittableRandom random, double sharpness) {
            return Beta.sample(random, ctrAlpha * sharpness, ctrBeta * sharpness);
        }
    }

    /** Decayed counts of one key, all referred to the instant {@code at}; plus the raw (undecayed) totals, for reports. */
    static final class Counts {
        double impressions;
        double clicks;
        double conversions;
        long at;
        long rawImpressions;
        long rawClicks;
        long rawConversions;
    }

    /** Raw counts of one asset of a creative: kind and index as in {@code match.AssetChoice}. */
    public record AssetCounts(int kind, int index, long impressions, long clicks) {
    }

    private static final PlacementType[] PLACEMENTS = PlacementType.values();
    private static final int FILE_MAGIC = 0x41444c52; // "ADLR"
    private static final int FILE_VERSION = 1;

    private final Map<PlacementType, EngineConfig.Prior> priors;
    private final double halfLifeMillis;
    private final double impressionStrength;
    private final double clickStrength;
    private final java.util.List<Map<Long, Counts>> levels = new java.util.ArrayList<>();
    /** Per creative asset: key {@code creativeId * 64 + kind * 16 + index}; placement-free. */
    private Map<Long, Counts> assets = new HashMap<>();

    /**
     * @param priors             the config priors per placement type (the top of the hierarchy)
     * @param halfLifeMillis     decay half-life; 0: no decay
     * @param impressionStrength expected clicks a level's CTR prior weighs (a above)
     * @param clickStrength      expected conversions a level's CVR prior weighs (b above)
     */
    public RateEstimator(Map<PlacementType, EngineConfig.Prior> priors, long halfLifeMillis, double impressionStrength, double clickStrength) {
        if (halfLifeMillis < 0 || !(impressionStrength > 0) || !(clickStrength > 0)) {
            throw new IllegalArgumentException("halfLife >= 0 and strengths > 0");
        }
        this.priors = Map.copyOf(priors);
        this.halfLifeMillis = halfLifeMillis;
        this.impressionStrength = impressionStrength;
        this.clickStrength = clickStrength;
        for (int i = 0; i < Level.values().length; i++) {
            levels.add(new HashMap<>());
        }
    }

    /** What kind of event is counted. */
    public enum Kind { IMPRESSION, CLICK, CONVERSION }

    /** Counts one event of a creative shown on a placement type at {@code timeMillis}. */
    public void observe(Kind kind, PlacementType placement, long campaignId, long adGroupId, long creativeId, long timeMillis) {
        add(Level.PLACEMENT, 0, placement, kind, timeMillis);
        add(Level.CAMPAIGN, campaignId, placement, kind, timeMillis);
        add(Level.AD_GROUP, adGroupId, placement, kind, timeMillis);
        add(Level.CREATIVE, creativeId, placement, kind, timeMillis);
    }

    /** Counts {@code count} events at once (bulk loads, benchmarks); the same as {@code count} calls of {@link #observe}. */
    public void observe(Kind kind, PlacementType placement, long campaignId, long adGroupId, long creativeId, long timeMillis, long count) {
        for (Level level : Level.values()) {
            long id = switch (level) {
                case PLACEMENT -> 0;
                case CAMPAIGN -> campaignId;
                case AD_GROUP -> adGroupId;
                case CREATIVE -> creativeId;
            };
            add(levels.get(level.ordinal()), key(id, placement), kind, timeMillis, count);
        }
    }

    private static long key(long id, PlacementType p) {
        return id * PLACEMENTS.length + p.ordinal();
    }

    private double weight(long dtMillis) {
        return halfLifeMillis == 0 ? 1.0 : Math.exp(-dtMillis * Math.log(2) / halfLifeMillis);
    }

    /** Counts an impression or click of one asset (kind and index as in {@code match.AssetChoice}) of a creative. */
    public void observeAsset(Kind kind, long creativeId, int assetKind, int index, long timeMillis) {
        add(assets, assetKey(creativeId, assetKind, index), kind, timeMillis);
    }

    private static long assetKey(long creativeId, int kind, int index) {
        return creativeId * 64 + kind * 16L + index;
    }

    /**
     * The pooled CTR of one kind of a creative's assets: the clicks of its first {@code options} options over their
     * impressions (every tracked impression counts for exactly one option of each kind, so this is the creative's
     * own placement-free CTR), shrunk toward {@code parentCtr} by a Beta prior weighing {@code priorClicks} expected
     * clicks. The centre of the options' priors ({@link #asset}).
     */
    public double assetPool(long creativeId, int assetKind, int options, double parentCtr, double priorClicks, long now) {
        double i = 0;
        double k = 0;
        for (int index = 0; index < options; index++) {
            Counts c = assets.get(assetKey(creativeId, assetKind, index));
            if (c != null) {
                double f = weight(now - c.at);
                i += c.impressions * f;
                k += c.clicks * f;
            }
        }
        return (k + priorClicks) / (Math.max(i, k) + priorClicks / parentCtr);
    }

    /**
     * An asset's posterior CTR: a Beta prior weighing {@code priorClicks} expected clicks at {@code centre} (the
     * kind's pooled CTR, {@link #assetPool}), updated with the option's decayed impressions and clicks. The bandit
     * compares the options of one kind by it.
     */
    public Rate asset(long creativeId, int assetKind, int index, double centre, double priorClicks, long now) {
        Counts c = assets.get(assetKey(creativeId, assetKind, index));
        double i = 0;
        double k = 0;
        if (c != null) {
            double f = weight(now - c.at);
            i = c.impressions * f;
            k = c.clicks * f;
        }
        double s = priorClicks / centre;
        double alpha = k + s * centre;
        double beta = Math.max(i, k) - k + s * (1 - centre);
        return new Rate(alpha / (alpha + beta), 0, alpha, beta, 1, 1);
    }

    /** Raw impressions and clicks of the first {@code options[kind]} assets of each kind of a creative. */
    public java.util.List<AssetCounts> assetCounts(long creativeId, int[] options) {
        java.util.List<AssetCounts> rows = new java.util.ArrayList<>();
        for (int kind = 0; kind < options.length; kind++) {
            for (int index = 0; index < Math.min(options[kind], 15); index++) {
                Counts c = assets.get(assetKey(creativeId, kind, index));
                rows.add(new AssetCounts(kind, index, c == null ? 0 : c.rawImpressions, c == null ? 0 : c.rawClicks));
            }
        }
        return rows;
    }

    private void add(Level level, long id, PlacementType p, Kind kind, long t) {
        add(levels.get(level.ordinal()), key(id, p), kind, t);
    }

    private void add(Map<Long, Counts> table, long key, Kind kind, long t) {
        add(table, key, kind, t, 1);
    }

    private void add(Map<Long, Counts> table, long key, Kind kind, long t, long count) {
        Counts c = table.computeIfAbsent(key, k -> {
            Counts fresh = new Counts();
            fresh.at = t;
            return fresh;
        });
        double w = count;
        if (t > c.at) {
            double f = weight(t - c.at);
            c.impressions *= f;
            c.clicks *= f;
            c.conversions *= f;
            c.at = t;
        } else {
            w = count * weight(c.at - t);
        }
        switch (kind) {
            case IMPRESSION -> {
                c.impressions += w;
                c.rawImpressions += count;
            }
            case CLICK -> {
                c.clicks += w;
                c.rawClicks += count;
            }
            case CONVERSION -> {
                c.conversions += w;
                c.rawConversions += count;
            }
        }
    }

    /** Decayed {impressions, clicks, conversions} of one key at {@code now} (zeros when never seen). */
    public double[] counts(Level level, long id, PlacementType placement, long now) {
        Counts c = levels.get(level.ordinal()).get(key(level == Level.PLACEMENT ? 0 : id, placement));
        if (c == null) {
            return new double[3];
        }
        double f = weight(now - c.at);
        return new double[] {c.impressions * f, c.clicks * f, c.conversions * f};
    }

    private Rate shrink(Level level, long id, PlacementType p, double parentCtr, double parentCvr, long now) {
        Counts c = levels.get(level.ordinal()).get(key(id, p));
        double i = 0;
        double k = 0;
        double v = 0;
        if (c != null) {
            double f = weight(now - c.at);
            i = c.impressions * f;
            k = c.clicks * f;
            v = c.conversions * f;
        }
        double s = impressionStrength / parentCtr;
        double t = clickStrength / parentCvr;
        double ctrAlpha = k + s * parentCtr;
        double ctrBeta = Math.max(i, k) - k + s * (1 - parentCtr);
        double cvrAlpha = v + t * parentCvr;
        double cvrBeta = Math.max(k, v) - v + t * (1 - parentCvr);
        return new Rate(ctrAlpha / (ctrAlpha + ctrBeta), cvrAlpha / (cvrAlpha + cvrBeta), ctrAlpha, ctrBeta, cvrAlpha, cvrBeta);
    }

    /** The placement type's posterior (shrunk toward its config prior). */
    public Rate placement(PlacementType p, long now) {
        EngineConfig.Prior prior = priors.get(p);
        return shrink(Level.PLACEMENT, 0, p, prior.ctrPpm() / 1e6, prior.cvrPpm() / 1e6, now);
    }

    /** A campaign's posterior on a placement type. */
    public Rate campaign(PlacementType p, long campaignId, long now) {
        Rate up = placement(p, now);
        return shrink(Level.CAMPAIGN, campaignId, p, up.ctr(), up.cvr(), now);
    }

    /** An ad group's posterior on a placement type: what the auction ranks it with. */
    public Rate adGroup(PlacementType p, long campaignId, long adGroupId, long now) {
        Rate up = campaign(p, campaignId, now);
        return shrink(Level.AD_GROUP, adGroupId, p, up.ctr(), up.cvr(), now);
    }

    /** A creative's posterior on a placement type. */
    public Rate creative(PlacementType p, long campaignId, long adGroupId, long creativeId, long now) {
        return creative(adGroup(p, campaignId, adGroupId, now), p, creativeId, now);
    }

    /** A creative's posterior given its ad group's (saves recomputing the levels above for each creative of a group). */
    public Rate creative(Rate group, PlacementType p, long creativeId, long now) {
        return shrink(Level.CREATIVE, creativeId, p, group.ctr(), group.cvr(), now);
    }

    /** Keys held, all levels together. */
    public int size() {
        int n = assets.size();
        for (Map<Long, Counts> m : levels) {
            n += m.size();
        }
        return n;
    }

    /** Drops keys whose decayed impressions and clicks are both under {@code minWeight} at {@code now} (bounds memory). */
    public void prune(long now, double minWeight) {
        java.util.List<Map<Long, Counts>> tables = new java.util.ArrayList<>(levels);
        tables.add(assets);
        for (Map<Long, Counts> m : tables) {
            m.values().removeIf(c -> {
                double f = weight(now - c.at);
                return c.impressions * f < minWeight && c.clicks * f < minWeight;
            });
        }
    }

    /** Writes every count (the estimator's whole state). */
    public void write(DataOutputStream out) throws IOException {
        out.writeInt(FILE_MAGIC);
        out.writeInt(FILE_VERSION);
        java.util.List<Map<Long, Counts>> tables = new java.util.ArrayList<>(levels);
        tables.add(assets);
        for (Map<Long, Counts> m : tables) {
            out.writeInt(m.size());
            for (Map.Entry<Long, Counts> e : m.entrySet()) {
                Counts c = e.getValue();
                out.writeLong(e.getKey());
                out.writeDouble(c.impressions);
                out.writeDouble(c.clicks);
                out.writeDouble(c.conversions);
                out.writeLong(c.at);
                out.writeLong(c.rawImpressions);
                out.writeLong(c.rawClicks);
                out.writeLong(c.rawConversions);
            }
        }
    }

    /** Replaces the state with what {@link #write} wrote. */
    public void read(DataInputStream in) throws IOException {
        if (in.readInt() != FILE_MAGIC || in.readInt() != FILE_VERSION) {
            throw new IOException("not a learned-rates file of version " + FILE_VERSION);
        }
        java.util.List<Map<Long, Counts>> read = new java.util.ArrayList<>();
        for (int l = 0; l <= levels.size(); l++) {
            int n = in.readInt();
            if (n < 0) {
                throw new IOException("negative count");
            }
            read.add(new HashMap<>());
            for (int i = 0; i < n; i++) {
                long key = in.readLong();
                Counts c = new Counts();
                c.impressions = in.readDouble();
                c.clicks = in.readDouble();
                c.conversions = in.readDouble();
                c.at = in.readLong();
                c.rawImpressions = in.readLong();
                c.rawClicks = in.readLong();
                c.rawConversions = in.readLong();
                if (!(c.impressions >= 0 && c.clicks >= 0 && c.conversions >= 0)) {
                    throw new IOException("negative or NaN count");
                }
                read.get(l).put(key, c);
            }
        }
        for (int l = 0; l < levels.size(); l++) {
            levels.set(l, read.get(l));
        }
        assets = read.get(levels.size());
    }

    /** Beta draws through two Gamma draws (Marsaglia and Tsang). */
    static final class Beta {
        private Beta() {
        }

        static double sample(SplittableRandom r, double a, double b) {
            double x = gamma(r, a);
            double y = gamma(r, b);
            double s = x + y;
            return s > 0 ? x / s : a / (a + b);
        }

        static double gamma(SplittableRandom r, double shape) {
            if (shape < 1) {
                // Boost: Gamma(a) = Gamma(a + 1) · U^(1/a).
                double u = r.nextDouble();
                return gamma(r, shape + 1) * Math.pow(u == 0 ? Double.MIN_VALUE : u, 1 / shape);
            }
            double d = shape - 1.0 / 3;
            double c = 1 / Math.sqrt(9 * d);
            while (true) {
                double x;
                double v;
                do {
                    x = normal(r);
                    v = 1 + c * x;
                } while (v <= 0);
                v = v * v * v;
                double u = r.nextDouble();
                if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                    return d * v;
                }
            }
        }

        private static double normal(SplittableRandom r) {
            // Box-Muller, one of the pair.
            double u1 = r.nextDouble();
            double u2 = r.nextDouble();
            return Math.sqrt(-2 * Math.log(u1 == 0 ? Double.MIN_VALUE : u1)) * Math.cos(2 * Math.PI * u2);
        }
    }
}
