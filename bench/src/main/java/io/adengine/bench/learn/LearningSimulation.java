package io.adengine.bench.learn;

import io.adengine.bench.BenchMain;
import io.adengine.bench.workload.CatalogGenerator;
import io.adengine.bench.workload.EngineYaml;
import io.adengine.bench.workload.RequestGenerator;
import io.adengine.bench.workload.WorkloadSize;
import io.adengine.config.EngineConfig;
import io.adengine.config.LearningConfig;
import io.adengine.index.Segment;
import io.adengine.index.SegmentRates;
import io.adengine.index.Snapshot;
import io.adengine.index.SnapshotBuilder;
import io.adengine.index.SnapshotHolder;
import io.adengine.learn.LearnedRates;
import io.adengine.learn.RateEstimator;
import io.adengine.match.AdDecider;
import io.adengine.match.AdRequest;
import io.adengine.match.AssetChoice;
import io.adengine.match.BudgetGate;
import io.adengine.match.Decision;
import io.adengine.match.RateSource;
import io.adengine.match.UserTargeting;
import io.adengine.model.AdGroup;
import io.adengine.model.AdSpace;
import io.adengine.model.BidModel;
import io.adengine.model.Catalog;
import io.adengine.model.Creative;
import io.adengine.model.PlacementType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A simulated day of learning, measured: the workload's catalog and request stream (users, ad spaces,
 * countries as in workload S/M), a hidden true CTR per creative (log-normal around its placement's prior:
 * an ad-group factor times a creative factor) and a true CVR per ad group (log-normal around the prior),
 * and events drawn from the truth for every ad served. The real {@link AdDecider} decides every request
 * in process on a simulated clock, three times over the same stream and the same random draws:
 * <ul>
 *   <li><b>priors</b>: today's fixed placement priors (creatives rotated by seed);</li>
 *   <li><b>learned</b>: {@link LearnedRates} fed with the simulated impressions, clicks and conversions and
 *       published every {@code --publish-minutes} simulated minutes (exploration as configured);</li>
 *   <li><b>oracle</b>: ranks every group with its best fitting creative's true CTR and its true CVR, and shows
 *       that creative.</li>
 * </ul>
 * Reports realised revenue (second-price charges of the clicks, conversions and impressions the truth
 * produced, auction currency), expected revenue (the same charges times the true rates: less noise),
 * clicks, conversions, regret against the oracle over the day, and how long creatives take to have their
 * learned pCTR within 20 % of the truth for good. Budgets are not enforced (every group may serve); CPT
 * slots rank first in every policy and are left out of revenue. Writes a CSV per half hour and two PNGs.
 */
@Command(name = "learn-sim", mixinStandardHelpOptions = true,
        description = "A simulated day of learned CTR/CVR ranking against fixed priors and an oracle.")
public final class LearningSimulation implements Callable<Integer> {

    static final long DAY_START = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
    static final long DAY = 86_400_000L;
    static final int BUCKETS = 48;

    @Option(names = "--size", description = "workload size (default: ${DEFAULT-VALUE})")
    WorkloadSize size = WorkloadSize.S;

    @Option(names = "--seed", description = "workload and truth seed (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--requests", description = "ad requests over the day (default: ${DEFAULT-VALUE})")
    int requests = 1_000_000;

    @Option(names = "--sigma", description = "log-normal spread of the true CTR around the prior (default: ${DEFAULT-VALUE})")
    double sigma = 0.5;

    @Option(names = "--publish-minutes", description = "learned rates are published this often, simulated minutes (default: ${DEFAULT-VALUE})")
    int publishMinutes = 5;

    @Option(names = "--exploration-permille", description = "share of requests that explore, per 1000 (default: ${DEFAULT-VALUE})")
    int explorationPermille = LearningConfig.EXPLORATION_PERMILLE_DEFAULT;

    @Option(names = "--half-life-minutes", description = "decay half-life (default: ${DEFAULT-VALUE})")
    long halfLifeMinutes = LearningConfig.HALF_LIFE_MINUTES_DEFAULT;

    @Option(names = "--asset-sigma", description = "log-normal spread of each title/description/button/image's CTR factor (default: ${DEFAULT-VALUE})")
    double assetSigma = 0.3;

    @Option(names = "--policies", split = ",", description = "policies to run, comma-separated (default: all; the figures against the"
            + " oracle and the priors are printed only when they ran)")
    Set<Policy> policies = EnumSet.allOf(Policy.class);

    @Option(names = "--out", description = "folder for learning-<size>.csv and the PNGs (default: ${DEFAULT-VALUE})")
    Path out = Path.of("bench/results");

    public static void main(String[] args) {
        BenchMain.runMain(new LearningSimulation(), args);
    }

    enum Policy { PRIORS, LEARNED, ORACLE }

    /** The hidden truth: CTR factor per ad group and per creative, CVR per ad group. */
    static final class Truth {
        final Map<PlacementType, EngineConfig.Prior> priors;
        final Map<Long, Double> groupCtr = new HashMap<>();
        final Map<Long, Double> creativeCtr = new HashMap<>();
        final Map<Long, Double> groupCvr = new HashMap<>();
        /** Per creative, per asset kind, per option: its CTR factor. */
        final Map<Long, double[][]> assetFactor = new HashMap<>();

        Truth(Catalog catalog, Map<PlacementType, EngineConfig.Prior> priors, double sigma, double assetSigma, long seed) {
            this.priors = priors;
            SplittableRandom r = new SplittableRandom(seed * 1_000_003 + 11);
            // log CTR = log prior + group + creative, variances 0.64 σ² + 0.36 σ² = σ²; each factor has mean 1.
            double sg = 0.8 * sigma;
            double sc = 0.6 * sigma;
            for (AdGroup g : catalog.adGroups()) {
                groupCtr.put(g.id(), Math.exp(sg * normal(r) - sg * sg / 2));
                groupCvr.put(g.id(), Math.exp(sigma * normal(r) - sigma * sigma / 2));
            }
            for (Creative c : catalog.creatives()) {
                creativeCtr.put(c.id(), Math.exp(sc * normal(r) - sc * sc / 2));
                double[][] f = new double[AssetChoice.KINDS][];
                for (int kind = 0; kind < AssetChoice.KINDS; kind++) {
                    f[kind] = new double[AssetChoice.options(c, kind)];
                    for (int i = 0; i < f[kind].length; i++) {
                        f[kind][i] = f[kind].length < 2 ? 1 : Math.exp(assetSigma * normal(r) - assetSigma * assetSigma / 2);
                    }
                }
                assetFactor.put(c.id(), f);
            }
        }

        /** The CTR factor of a combination of a creative's assets. */
        double combination(long creativeId, int assets) {
            double[][] f = assetFactor.get(creativeId);
            double x = 1;
            for (int kind = 0; kind < AssetChoice.KINDS; kind++) {
                if (f[kind].length > 0) {
                    x *= f[kind][Math.min(AssetChoice.index(assets, kind), f[kind].length - 1)];
                }
            }
            return x;
        }

        /** The best combination of a creative's assets (each kind's best option). */
        int bestCombination(long creativeId) {
            double[][] f = assetFactor.get(creativeId);
            int[] best = new int[AssetChoice.KINDS];
            for (int kind = 0; kind < AssetChoice.KINDS; kind++) {
                for (int i = 0; i < f[kind].length; i++) {
                    if (f[kind][i] > f[kind][best[kind]]) {
                        best[kind] = i;
                    }
                }
            }
            return AssetChoice.pack(best[0], best[1], best[2], best[3]);
        }

        /** The true CTR of a creative on a placement shown with a combination of its assets. */
        double ctr(PlacementType p, long groupId, long creativeId, int assets) {
            return Math.min(0.9, ctr(p, groupId, creativeId) * combination(creativeId, assets));
        }

        double ctr(PlacementType p, long groupId, long creativeId) {
            return Math.min(0.9, priors.get(p).ctrPpm() / 1e6 * groupCtr.get(groupId) * creativeCtr.get(creativeId));
        }

        double cvr(PlacementType p, long groupId) {
            return Math.min(0.9, priors.get(p).cvrPpm() / 1e6 * groupCvr.get(groupId));
        }

        static double normal(SplittableRandom r) {
            return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
        }
    }

    /** The oracle's rates: each group at its best fitting creative's true CTR and its true CVR; creatives scored by truth. */
    static RateSource oracle(Truth truth) {
        Map<Segment, SegmentRates> cache = new IdentityHashMap<>();
        Set<PlacementType> all = EnumSet.allOf(PlacementType.class);
        return (snapshot, i, request) -> cache.computeIfAbsent(snapshot.segment(i), s -> SegmentRates.compute(s, all,
                (o, p) -> {
                    double best = 0;
                    for (Creative c : s.creatives(o)) {
                        if (CatalogGenerator.FORMATS.get(p).contains(c.format())) {
                            best = Math.max(best, truth.ctr(p, s.groupId(o), c.id(), truth.bestCombination(c.id())));
                        }
                    }
                    return SegmentRates.pack(ppm(best), ppm(truth.cvr(p, s.groupId(o))));
                },
                (o, k, p) -> ppm(truth.ctr(p, s.groupId(o), s.creatives(o)[k].id(), truth.bestCombination(s.creatives(o)[k].id()))),
                (o, k) -> truth.bestCombination(s.creatives(o)[k].id())));
    }

    static int ppm(double rate) {
        return SegmentRates.clamp(Math.round(rate * 1e6));
    }

    /** What one run measured, per half-hour bucket. */
    static final class Run {
        final double[] revenue = new double[BUCKETS];
        final double[] expected = new double[BUCKETS];
        final long[] clicks = new long[BUCKETS];
        final long[] conversions = new long[BUCKETS];
        final long[] impressions = new long[BUCKETS];
        double[] within20 = new double[BUCKETS];
        /** Impression-weighted true CTR of the combinations shown over the best combination's, per bucket: sum and weight. */
        final double[] combinationRatio = new double[BUCKETS];
        double medianConvergeHours = Double.NaN;
        double p90ConvergeHours = Double.NaN;
        double convergedShare = Double.NaN;
        long shownCreatives;
        double wallSeconds;

        double total(double[] a) {
            return Arrays.stream(a).sum();
        }

        long total(long[] a) {
            return Arrays.stream(a).sum();
        }
    }

    @Override
    public Integer call() throws Exception {
        Catalog catalog = withAssets(new CatalogGenerator(size, seed).generate());
        EngineConfig.AuctionConfig auction = EngineYaml.auction();
        Snapshot snapshot = new SnapshotBuilder(auction).build(catalog);
        Truth truth = new Truth(catalog, auction.priors(), sigma, assetSigma, seed);
        Map<Policy, Run> runs = new java.util.EnumMap<>(Policy.class);
        for (Policy p : policies) {
            runs.put(p, run(p, catalog, auction, snapshot, truth));
            System.out.printf(Locale.ROOT, "%s done in %.1f s%n", p, runs.get(p).wallSeconds);
        }
        if (runs.size() < Policy.values().length) {
            // A partial run (tuning): the combinations line of each policy that ran, nothing against the others.
            for (Map.Entry<Policy, Run> e : runs.entrySet()) {
                Run r = e.getValue();
                System.out.printf(Locale.ROOT, "%-8s combinations whole day %.1f%%, last 2 h %.1f%%; expected revenue %.2f USD, clicks %d%n", e.getKey(),
                        100 * r.total(r.combinationRatio) / r.total(r.impressions), 100 * lastHours(r.combinationRatio, 4) / lastHoursLong(r.impressions, 4),
                        r.total(r.expected) / 1e6, r.total(r.clicks));
            }
            return 0;
        }
        Run oracle = runs.get(Policy.ORACLE);
        System.out.printf(Locale.ROOT, "workload %s seed %d: %d ad groups, %d requests over a simulated day, true CTR log-normal sigma %.2f around the"
                        + " placement prior, learned rates published every %d simulated minutes, exploration %d permille, half-life %d min%n",
                size, seed, catalog.adGroups().size(), requests, sigma, publishMinutes, explorationPermille, halfLifeMinutes);
        System.out.println("policy   revenue(USD)  expected(USD)  % of oracle (expected)  last 2 h % of oracle  clicks  conversions  impressions");
        for (Policy p : Policy.values()) {
            Run r = runs.get(p);
            System.out.printf(Locale.ROOT, "%-8s %12.2f  %13.2f  %21.1f%%  %19.1f%%  %7d  %11d  %11d%n", p, r.total(r.revenue) / 1e6,
                    r.total(r.expected) / 1e6, 100 * r.total(r.expected) / oracle.total(oracle.expected),
                    100 * lastHours(r.expected, 4) / lastHours(oracle.expected, 4), r.total(r.clicks), r.total(r.conversions), r.total(r.impressions));
        }
        Run learned = runs.get(Policy.LEARNED);
        Run priors = runs.get(Policy.PRIORS);
        System.out.printf(Locale.ROOT, "learned vs priors: expected revenue %+.1f%%, last 2 h %+.1f%%, clicks %+.1f%%, conversions %+.1f%%%n",
                100 * (learned.total(learned.expected) / priors.total(priors.expected) - 1),
                100 * (lastHours(learned.expected, 4) / lastHours(priors.expected, 4) - 1),
                100.0 * (learned.total(learned.clicks) - priors.total(priors.clicks)) / priors.total(priors.clicks),
                100.0 * (learned.total(learned.conversions) - priors.total(priors.conversions)) / Math.max(1, priors.total(priors.conversions)));
        System.out.printf(Locale.ROOT, "creatives shown: %d; learned pCTR within 20%% of the truth for good by the end of the day: %.1f%%;"
                        + " time to get there: median %.1f h, p90 %.1f h; within 20%% at the end: %.1f%%%n",
                learned.shownCreatives, 100 * learned.convergedShare, learned.medianConvergeHours, learned.p90ConvergeHours,
                100 * learned.within20[BUCKETS - 1]);
        System.out.println("combinations (title x description x button x image = 3x2x2x3 per image creative): true CTR of the ones shown"
                + " / the best combination's, impression-weighted");
        for (Policy p : Policy.values()) {
            Run r = runs.get(p);
            System.out.printf(Locale.ROOT, "%-8s whole day %.1f%%, last 2 h %.1f%%%n", p, 100 * r.total(r.combinationRatio) / r.total(r.impressions),
                    100 * lastHours(r.combinationRatio, 4) / lastHoursLong(r.impressions, 4));
        }
        Files.createDirectories(out);
        String label = "learning-" + size.name().toLowerCase(Locale.ROOT);
        writeCsv(out.resolve(label + ".csv"), runs);
        double[][] revenue = new double[3][];
        double[][] regret = new double[3][];
        int k = 0;
        for (Policy p : Policy.values()) {
            Run r = runs.get(p);
            revenue[k] = new double[BUCKETS];
            regret[k] = new double[BUCKETS];
            double cumulative = 0;
            for (int b = 0; b < BUCKETS; b++) {
                revenue[k][b] = r.expected[b] / 1e6 * 2; // USD per hour
                cumulative += (oracle.expected[b] - r.expected[b]) / 1e6;
                regret[k][b] = cumulative;
            }
            k++;
        }
        String[] names = {"fixed priors", "learned", "oracle"};
        LinePlot.write(out.resolve(label + "-revenue.png"), "Expected revenue per hour over a simulated day, workload " + size
                + " (USD/h)", names, revenue);
        LinePlot.write(out.resolve(label + "-regret.png"), "Cumulative regret against the oracle (expected revenue, USD), workload " + size,
                names, regret);
        System.out.println("wrote " + out.resolve(label + ".csv") + ", " + label + "-revenue.png, " + label + "-regret.png");
        return 0;
    }

    static double lastHoursLong(long[] a, int buckets) {
        double s = 0;
        for (int b = a.length - buckets; b < a.length; b++) {
            s += a[b];
        }
        return s;
    }

    /** The workload's catalog with several titles, descriptions, buttons and images per creative (videos keep one of each). */
    static Catalog withAssets(Catalog c) {
        List<Creative> creatives = new ArrayList<>();
        for (Creative x : c.creatives()) {
            boolean video = x.images().isEmpty();
            List<String> titles = List.of(x.titles().get(0), x.titles().get(0) + " - now", x.titles().get(0) + " - free");
            List<String> descriptions = List.of(x.descriptions().get(0), "Try " + x.descriptions().get(0));
            List<String> buttons = List.of("Install", "Get");
            List<io.adengine.model.Asset> images = video ? x.images() : List.of(x.images().get(0),
                    new io.adengine.model.Asset(x.images().get(0).url().replace(".jpg", "-b.jpg"), 1080, 607, 80_000, 0),
                    new io.adengine.model.Asset(x.images().get(0).url().replace(".jpg", "-c.jpg"), 1080, 607, 80_000, 0));
            creatives.add(new Creative(x.id(), x.version(), x.adGroupId(), x.name(), x.format(), titles, descriptions, buttons, images,
                    x.videos(), x.icon(), x.clickUrl(), x.deeplink(), x.impressionTrackers(), x.videoTrackers(), x.review(),
                    x.landingPageRiskWarning(), x.categories()));
        }
        return new Catalog(c.version(), c.accounts(), c.campaigns(), c.adGroups(), creatives, c.adSpaces());
    }

    static double lastHours(double[] a, int buckets) {
        double s = 0;
        for (int b = a.length - buckets; b < a.length; b++) {
            s += a[b];
        }
        return s;
    }

    Run run(Policy policy, Catalog catalog, EngineConfig.AuctionConfig auction, Snapshot snapshot, Truth truth) {
        long wall = System.nanoTime();
        Run run = new Run();
        SnapshotHolder holder = new SnapshotHolder(snapshot);
        AtomicLong clock = new AtomicLong(DAY_START);
        LearnedRates learned = policy == Policy.LEARNED
                ? new LearnedRates(new LearningConfig(true, halfLifeMinutes, LearningConfig.PRIOR_CLICKS_DEFAULT,
                LearningConfig.PRIOR_CONVERSIONS_DEFAULT, publishMinutes * 60_000L, explorationPermille, null, 60), auction.priors(), holder, clock::get)
                : null;
        RateSource source = switch (policy) {
            case PRIORS -> RateSource.PRIORS;
            case LEARNED -> learned;
            case ORACLE -> oracle(truth);
        };
        AdDecider decider = new AdDecider(BudgetGate.UNLIMITED, UserTargeting.UNKNOWN_USERS, source);
        RequestGenerator generator = new RequestGenerator(size, seed);
        SplittableRandom seeds = new SplittableRandom(seed * 7 + 1);
        SplittableRandom outcomes = new SplittableRandom(seed * 13 + 5);
        AdRequest request = new AdRequest();
        Decision d = new Decision();
        long publishEvery = publishMinutes * 60_000L;
        long nextPublish = DAY_START + publishEvery;
        // Creatives shown (learned run): their placement, and the last bucket their estimate was off by more than 20 %.
        Map<Long, long[]> shown = new HashMap<>();
        for (int i = 0; i < requests; i++) {
            long now = DAY_START + (long) ((double) i * DAY / requests);
            int bucket = (int) ((now - DAY_START) * BUCKETS / DAY);
            clock.set(now);
            if (learned != null && now >= nextPublish) {
                learned.publish();
                nextPublish += publishEvery;
            }
            if (learned != null && i > 0 && (int) (((long) (i - 1) * DAY / requests) * BUCKETS / DAY) != bucket) {
                checkEstimates(learned, catalog, truth, shown, bucket - 1, run);
            }
            generator.request(i).applyTo(request, now, seeds.nextLong());
            decider.decide(snapshot, request, d);
            AdSpace space = snapshot.catalog().adSpace(request.adSpaceId());
            PlacementType p = space.placement();
            for (int slot = 0; slot < d.filled(); slot++) {
                AdGroup g = snapshot.group(d.ordinal(slot));
                Creative c = d.creative(slot);
                BidModel model = g.bid().model();
                double ctr = truth.ctr(p, g.id(), c.id(), d.assets(slot));
                run.combinationRatio[bucket] += truth.combination(c.id(), d.assets(slot)) / truth.combination(c.id(), truth.bestCombination(c.id()));
                double cvr = truth.cvr(p, g.id());
                boolean click = outcomes.nextDouble() < ctr;
                boolean conversion = click && outcomes.nextDouble() < cvr;
                // Prices in the auction currency: per impression (CPM: the clearing per mille), per click, per conversion.
                long clearing = d.clearingCpm(slot);
                double perUnit = switch (model) {
                    case CPM -> clearing / 1000.0;
                    case CPC -> clearing * 1000.0 / d.ctrPpm(slot);
                    case CPA -> clearing * 1e9 / ((double) d.ctrPpm(slot) * d.cvrPpm(slot));
                    case CPT -> 0;
                };
                double expected = switch (model) {
                    case CPM -> perUnit;
                    case CPC -> perUnit * ctr;
                    case CPA -> perUnit * ctr * cvr;
                    case CPT -> 0;
                };
                double realised = switch (model) {
                    case CPM -> perUnit;
                    case CPC -> click ? perUnit : 0;
                    case CPA -> conversion ? perUnit : 0;
                    case CPT -> 0;
                };
                run.expected[bucket] += expected;
                run.revenue[bucket] += realised;
                run.impressions[bucket]++;
                run.clicks[bucket] += click ? 1 : 0;
                run.conversions[bucket] += conversion ? 1 : 0;
                if (learned != null) {
                    int bits = AssetChoice.tracked(d.assets(slot));
                    learned.observe(RateEstimator.Kind.IMPRESSION, space.id(), g.campaignId(), g.id(), c.id(), now, bits);
                    if (click) {
                        learned.observe(RateEstimator.Kind.CLICK, space.id(), g.campaignId(), g.id(), c.id(), now, bits);
                    }
                    if (conversion) {
                        learned.observe(RateEstimator.Kind.CONVERSION, space.id(), g.campaignId(), g.id(), c.id(), now);
                    }
                    shown.computeIfAbsent(c.id(), x -> new long[] {p.ordinal(), g.id(), g.campaignId(), -1});
                }
            }
        }
        if (learned != null) {
            clock.set(DAY_START + DAY);
            checkEstimates(learned, catalog, truth, shown, BUCKETS - 1, run);
            List<Double> hours = new ArrayList<>();
            int converged = 0;
            for (long[] s : shown.values()) {
                if (s[3] < BUCKETS - 1) {
                    converged++;
                    hours.add((s[3] + 1) * 24.0 / BUCKETS);
                }
            }
            hours.sort(null);
            run.shownCreatives = shown.size();
            run.convergedShare = shown.isEmpty() ? 0 : (double) converged / shown.size();
            if (!hours.isEmpty()) {
                run.medianConvergeHours = hours.get(hours.size() / 2);
                run.p90ConvergeHours = hours.get((int) (hours.size() * 0.9));
            }
        }
        run.wallSeconds = (System.nanoTime() - wall) / 1e9;
        return run;
    }

    /** At the end of a bucket: which shown creatives' learned pCTR (on their first placement) is off the truth by more than 20 %. */
    private static void checkEstimates(LearnedRates learned, Catalog catalog, Truth truth, Map<Long, long[]> shown, int bucket, Run run) {
        PlacementType[] placements = PlacementType.values();
        int within = 0;
        for (Map.Entry<Long, long[]> e : shown.entrySet()) {
            long[] s = e.getValue();
            PlacementType p = placements[(int) s[0]];
            // The creative's estimate is over the combinations it was shown with; compare with its best combination's truth.
            double t = truth.ctr(p, s[1], e.getKey(), truth.bestCombination(e.getKey()));
            double est = learned.creative(p, s[2], s[1], e.getKey()).ctr();
            if (Math.abs(est - t) > 0.2 * t) {
                s[3] = bucket;
            } else {
                within++;
            }
        }
        run.within20[bucket] = shown.isEmpty() ? 0 : (double) within / shown.size();
    }

    private void writeCsv(Path file, Map<Policy, Run> runs) throws Exception {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
            w.println("hour,policy,revenue_usd,expected_revenue_usd,impressions,clicks,conversions,cumulative_regret_usd,learned_within_20pct");
            Run oracle = runs.get(Policy.ORACLE);
            for (Policy p : Policy.values()) {
                Run r = runs.get(p);
                double regret = 0;
                for (int b = 0; b < BUCKETS; b++) {
                    regret += (oracle.expected[b] - r.expected[b]) / 1e6;
                    w.printf(Locale.ROOT, "%.1f,%s,%.4f,%.4f,%d,%d,%d,%.4f,%s%n", (b + 1) * 24.0 / BUCKETS, p.name().toLowerCase(Locale.ROOT),
                            r.revenue[b] / 1e6, r.expected[b] / 1e6, r.impressions[b], r.clicks[b], r.conversions[b], regret,
                            p == Policy.LEARNED ? String.format(Locale.ROOT, "%.4f", r.within20[b]) : "");
                }
            }
        }
    }
}
