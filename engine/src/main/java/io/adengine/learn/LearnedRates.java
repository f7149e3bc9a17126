package io.adengine.learn;

import io.adengine.config.EngineConfig;
import io.adengine.config.LearningConfig;
import io.adengine.index.Segment;
import io.adengine.index.SegmentCache;
import io.adengine.index.SegmentRates;
import io.adengine.index.Snapshot;
import io.adengine.index.SnapshotHolder;
import io.adengine.match.AdDecider;
import io.adengine.match.AdRequest;
import io.adengine.match.AssetChoice;
import io.adengine.match.RateSource;
import io.adengine.model.AdGroup;
import io.adengine.model.AdSpace;
import io.adengine.model.Creative;
import io.adengine.model.PlacementType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * Learned rates in service: counts events into a {@link RateEstimator} (on the event pipeline's thread, never
 * a serving thread), and every {@code publishIntervalMillis} publishes a new <em>generation</em>: for every
 * segment of the serving snapshot, two {@link SegmentRates} variants computed at that instant:
 * <ul>
 *   <li><b>exploit</b>: each creative scored by a posterior draw of its pCTR per placement type (which creative a
 *       group shows is Thompson sampling, batched per generation); each ad group ranks and is priced with the
 *       posterior means (pCTR, pCVR) of its best-scored creative, the one it shows (where that creative does not
 *       fit an ad space, the group shows its best fitting one and ranked slightly optimistically); assets: each
 *       kind's leader, a sharpened Thompson draw ({@link #chooseAssets});</li>
 *   <li><b>explore</b>: the same on one Thompson draw from each creative's posterior (seeded by generation and id:
 *       deterministic), so uncertain (new) ads sometimes rank and show high; assets: one kind shows its challenger
 *       (top-two Thompson sampling), the others their leader;</li>
 * </ul>
 * A request explores when its seed falls in the configured share ({@code explorationPermille}, at most half).
 * The serving path reads a volatile generation and a {@link SegmentCache} entry: no lock, no allocation. New
 * snapshots get their variants on the publishing thread before the swap ({@link SnapshotHolder#beforePublish}).
 * The counts are saved to a small file at an interval (written beside, forced, renamed; CRC32C checked when
 * read at start), so a restart forgets at most one interval of events.
 */
public final class LearnedRates implements RateSource, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LearnedRates.class);
    private static final long EXPLORE_SALT = 0x5851F42D4C957F2DL;

    /** One published generation: compared by identity in the segment cache. */
    private record Generation(long number, long atMillis) {
    }

    /** The two variants of one segment in one generation. */
    private record Variants(SegmentRates exploit, SegmentRates explore) {
    }

    private final RateEstimator estimator;
    private final LearningConfig config;
    private final Map<PlacementType, EngineConfig.Prior> priors;
    private final SnapshotHolder snapshots;
    private final LongSupplier clock;
    private final int explorePermille;
    private final SegmentCache<Variants> variants = new SegmentCache<>((segment, gen) -> build(segment, (Generation) gen));
    private volatile Generation current;
    private long generations;
    private ScheduledExecutorService timer;

    public LearnedRates(LearningConfig config, Map<PlacementType, EngineConfig.Prior> priors, SnapshotHolder snapshots, LongSupplier clock) {
        this.config = config;
        this.priors = priors;
        this.snapshots = snapshots;
        this.clock = clock;
        this.explorePermille = config.explorationPermille();
        this.estimator = new RateEstimator(priors, config.halfLifeMinutes() * 60_000, config.priorClicks(), config.priorConversions());
        if (config.stateFile() != null) {
            load(config.stateFile());
        }
        snapshots.beforePublish(this::prepare);
        publish();
    }

    /** Publishes every {@code publishIntervalMillis} and saves every {@code saveIntervalSeconds} on a timer thread of its own. */
    public LearnedRates startTimer() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "learned-rates");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::publishQuietly, config.publishIntervalMillis(), config.publishIntervalMillis(), TimeUnit.MILLISECONDS);
        if (config.stateFile() != null) {
            timer.scheduleWithFixedDelay(this::saveQuietly, config.saveIntervalSeconds(), config.saveIntervalSeconds(), TimeUnit.SECONDS);
        }
        return this;
    }

    // ---- feeding (event pipeline thread) ----

    /** Counts an impression, click or conversion of a creative shown on an ad space (unknown ad spaces are ignored). */
    public void observe(RateEstimator.Kind kind, long adSpaceId, long campaignId, long adGroupId, long creativeId, long timeMillis) {
        observe(kind, adSpaceId, campaignId, adGroupId, creativeId, timeMillis, -1);
    }

    /**
     * As above, with the 16 asset bits of the impression id ({@link AssetChoice#tracked}; {@code -1}: unknown):
     * impressions and clicks also count for the title, description, button and image shown.
     */
    public void observe(RateEstimator.Kind kind, long adSpaceId, long campaignId, long adGroupId, long creativeId, long timeMillis,
                        int assetBits) {
        AdSpace space = snapshots.current().catalog().adSpace(adSpaceId);
        if (space == null) {
            return;
        }
        synchronized (estimator) {
            estimator.observe(kind, space.placement(), campaignId, adGroupId, creativeId, timeMillis);
            if (assetBits >= 0 && kind != RateEstimator.Kind.CONVERSION) {
                for (int k = 0; k < AssetChoice.KINDS; k++) {
                    int index = AssetChoice.trackedIndex(assetBits, k);
                    if (index != AssetChoice.UNTRACKED) {
                        estimator.observeAsset(kind, creativeId, k, index, timeMillis);
                    }
                }
            }
        }
    }

    /** Counts {@code count} events of one creative on a placement type at once (bulk loads, benchmarks). */
    public void observe(RateEstimator.Kind kind, PlacementType placement, long campaignId, long adGroupId, long creativeId, long timeMillis,
                        long count) {
        synchronized (estimator) {
            estimator.observe(kind, placement, campaignId, adGroupId, creativeId, timeMillis, count);
        }
    }

    /** Raw impressions and clicks per asset of a creative (admin reports). */
    public java.util.List<RateEstimator.AssetCounts> assetCounts(Creative creative) {
        int[] options = new int[AssetChoice.KINDS];
        for (int k = 0; k < options.length; k++) {
            options[k] = AssetChoice.options(creative, k);
        }
        synchronized (estimator) {
            return estimator.assetCounts(creative.id(), options);
        }
    }

    // ---- serving (lock-free, allocation-free) ----

    @Override
    public SegmentRates rates(Snapshot snapshot, int segment, AdRequest request) {
        Generation g = current;
        if (g == null) {
            return null;
        }
        Variants v = variants.get(snapshot.segment(segment), segment, g);
        return explores(request.seed()) ? v.explore : v.exploit;
    }

    /** The share of requests (per 1000) that explore. */
    public int explorationPermille() {
        return explorePermille;
    }

    /** Whether a request with this seed ranks on the exploring variant. */
    public boolean explores(long seed) {
        return explorePermille > 0 && Long.remainderUnsigned(AdDecider.mix(seed ^ EXPLORE_SALT), 1_000) < explorePermille;
    }

    // ---- publishing ----

    /** Computes a new generation for the serving snapshot and makes it current (the timer calls this; tests and simulations may too). */
    public synchronized void publish() {
        Generation g = new Generation(generations++, clock.getAsLong());
        variants.prepare(snapshots.current(), g);
        current = g;
    }

    private void publishQuietly() {
        try {
            publish();
        } catch (RuntimeException e) {
            LOG.warn("publishing learned rates failed: {}", e.toString());
        }
    }

    /** Builds the current generation's variants of a snapshot about to be published. */
    private void prepare(Snapshot next) {
        Generation g = current;
        if (g != null) {
            variants.prepare(next, g);
        }
    }

    /** The placement types the catalog's ad spaces use: rates are computed for those only. */
    private Set<PlacementType> placementsInUse() {
        Set<PlacementType> used = EnumSet.noneOf(PlacementType.class);
        for (AdSpace s : snapshots.current().catalog().adSpaces()) {
            used.add(s.placement());
        }
        return used;
    }

    private Variants build(Segment segment, Generation g) {
        int n = segment.size();
        Set<PlacementType> placements = placementsInUse();
        Map<PlacementType, long[]> groupMean = new EnumMap<>(PlacementType.class);
        Map<PlacementType, long[]> groupDraw = new EnumMap<>(PlacementType.class);
        Map<PlacementType, int[][]> creativeMean = new EnumMap<>(PlacementType.class);
        Map<PlacementType, int[][]> creativeDraw = new EnumMap<>(PlacementType.class);
        int[][] assetMean = new int[n][];
        int[][] assetDraw = new int[n][];
        synchronized (estimator) {
            for (PlacementType p : placements) {
                long[] mean = new long[n];
                long[] draw = new long[n];
                int[][] cMean = new int[n][];
                int[][] cDraw = new int[n][];
                EngineConfig.Prior prior = priors.get(p);
                for (int o = 0; o < n; o++) {
                    AdGroup group = segment.group(o);
                    Creative[] creatives = segment.creatives(o);
                    cMean[o] = new int[creatives.length];
                    cDraw[o] = new int[creatives.length];
                    if (!group.placements().contains(p)) {
                        // Never served on p: the prior, and no work.
                        mean[o] = SegmentRates.pack(prior.ctrPpm(), prior.cvrPpm());
                        draw[o] = mean[o];
                        continue;
                    }
                    RateEstimator.Rate r = estimator.adGroup(p, group.campaignId(), group.id(), g.atMillis());
                    SplittableRandom random = new SplittableRandom(AdDecider.mix(g.number() * 0x9E3779B97F4A7C15L ^ group.id() * 31 + p.ordinal()));
                    // The group ranks with the creative it will show: the best by mean (exploit) or by draw (explore).
                    mean[o] = SegmentRates.pack(ppm(r.ctr()), ppm(r.cvr()));
                    double[] d = r.sample(random);
                    draw[o] = SegmentRates.pack(ppm(d[0]), ppm(d[1]));
                    double bestMean = -1;
                    double bestDraw = -1;
                    boolean assetsToChoose = assetMean[o] == null;
                    if (assetsToChoose) {
                        assetMean[o] = new int[creatives.length];
                        assetDraw[o] = new int[creatives.length];
                    }
                    for (int k = 0; k < creatives.length; k++) {
                        RateEstimator.Rate c = estimator.creative(r, p, creatives[k].id(), g.atMillis());
                        double[] cd = c.sample(random);
                        // Which creative a group shows is itself Thompson sampling (one draw per creative per generation),
                        // in both variants: it costs little and keeps a better new creative from being starved; the
                        // exploit variant still ranks and prices with the chosen creative's posterior mean.
                        double pick = c.sample(random)[0];
                        if (assetsToChoose) {
                            // Assets are placement-free: chosen once per group and generation (their counts pool every
                            // placement; the options' prior is centred on the creative's pooled CTR, this placement's
                            // rate only stands in while the creative has no asset counts at all).
                            chooseAssets(creatives[k], c.ctr(), g, random, assetMean[o], assetDraw[o], k);
                        }
                        cMean[o][k] = ppm(pick);
                        cDraw[o][k] = ppm(cd[0]);
                        if (pick > bestMean) {
                            bestMean = pick;
                            mean[o] = SegmentRates.pack(ppm(c.ctr()), ppm(c.cvr()));
                        }
                        if (cd[0] > bestDraw) {
                            bestDraw = cd[0];
                            draw[o] = SegmentRates.pack(ppm(cd[0]), ppm(cd[1]));
                        }
                    }
                }
                groupMean.put(p, mean);
                groupDraw.put(p, draw);
                creativeMean.put(p, cMean);
                creativeDraw.put(p, cDraw);
            }
        }
        SegmentRates exploit = SegmentRates.compute(segment, placements, (o, p) -> groupMean.get(p)[o], (o, k, p) -> creativeMean.get(p)[o][k],
                (o, k) -> assetMean[o] == null ? -1 : assetMean[o][k]);
        SegmentRates explore = SegmentRates.compute(segment, placements, (o, p) -> groupDraw.get(p)[o], (o, k, p) -> creativeDraw.get(p)[o][k],
                (o, k) -> assetDraw[o] == null ? -1 : assetDraw[o][k]);
        return new Variants(exploit, explore);
    }

    /**
     * Expected clicks an asset option's CTR prior weighs (centred on the creative's pooled CTR for that kind). Weaker
     * than the levels' {@code priorClicks} (10): the options of a creative share one centre, so the prior only slows
     * telling them apart. Too weak locks in: with 2 clicks the sharpened leader stuck on a wrong option after a few
     * unlucky early impressions for 2 of 12 seeds of {@code AssetBanditTest}'s loop; 3 (8 seeds) and 5 (12 seeds) did not.
     */
    static final double ASSET_PRIOR_CLICKS = 3;
    /**
     * How much sharper than the posterior the exploit variant's draw is: both Beta parameters times this, the same
     * mean and a third of the variance. Plain Thompson sampling (1) keeps showing options that are merely not yet
     * ruled out; 5 did worse than 3 in the simulator (bench/README.md "Learning simulator").
     */
    static final double ASSET_SHARPNESS = 3;

    /**
     * The bandit of one creative's assets, per kind (title, description, button, image) among the tracked options,
     * every option's posterior ({@link RateEstimator#asset}) centred on the creative's own pooled CTR of that kind
     * ({@link RateEstimator#assetPool}) with a weak prior:
     * <ul>
     *   <li><b>exploit</b> (most requests): the <em>leader</em>, the option with the best draw from its posterior
     *       sharpened by {@link #ASSET_SHARPNESS} (Thompson sampling that settles sooner: an option clearly behind
     *       stops being shown, while close ones still share);</li>
     *   <li><b>explore</b> ({@code explorationPermille} of requests): top-two Thompson sampling, one kind at a time:
     *       for one kind drawn per generation, the <em>challenger</em> (the best plain posterior draw among the
     *       options other than the leader); every other kind shows its leader. Exploring traffic is never spent
     *       re-confirming the leader, and the challenger is shown beside the same other options as the leader is,
     *       so the per-option counts compare like with like (they are per option, not per combination: exploring
     *       all kinds at once pairs every challenger with the other kinds' weaker options and biases it down).</li>
     * </ul>
     * One draw per option per generation and variant; deterministic (the generation's seeded random).
     */
    private void chooseAssets(Creative creative, double creativeCtr, Generation g, SplittableRandom random, int[] mean, int[] draw, int k) {
        int[] leader = new int[AssetChoice.KINDS];
        int[] challenger = new int[AssetChoice.KINDS];
        int choosable = 0;
        for (int kind = 0; kind < AssetChoice.KINDS; kind++) {
            int options = Math.min(AssetChoice.options(creative, kind), AssetChoice.TRACKED);
            if (options < 2) {
                continue;
            }
            choosable++;
            double centre = estimator.assetPool(creative.id(), kind, options, creativeCtr, ASSET_PRIOR_CLICKS, g.atMillis());
            double bestLeader = -1;
            double[] plain = new double[options];
            for (int i = 0; i < options; i++) {
                RateEstimator.Rate a = estimator.asset(creative.id(), kind, i, centre, ASSET_PRIOR_CLICKS, g.atMillis());
                plain[i] = a.sampleCtr(random, 1);
                double sharp = a.sampleCtr(random, ASSET_SHARPNESS);
                if (sharp > bestLeader) {
                    bestLeader = sharp;
                    leader[kind] = i;
                }
            }
            double bestChallenger = -1;
            for (int i = 0; i < options; i++) {
                if (i != leader[kind] && plain[i] > bestChallenger) {
                    bestChallenger = plain[i];
                    challenger[kind] = i;
                }
            }
        }
        // The explore variant challenges one kind (drawn uniformly among those with a choice); the others show their leader.
        int explored = choosable == 0 ? -1 : random.nextInt(choosable);
        int[] shown = leader.clone();
        for (int kind = 0; kind < AssetChoice.KINDS; kind++) {
            if (Math.min(AssetChoice.options(creative, kind), AssetChoice.TRACKED) > 1 && explored-- == 0) {
                shown[kind] = challenger[kind];
            }
        }
        mean[k] = AssetChoice.pack(leader[0], leader[1], leader[2], leader[3]);
        draw[k] = AssetChoice.pack(shown[0], shown[1], shown[2], shown[3]);
    }

    private static int ppm(double rate) {
        return SegmentRates.clamp(Math.round(rate * 1e6));
    }

    // ---- reading (admin, simulator) ----

    /** An ad group's posterior on a placement type now. */
    public RateEstimator.Rate adGroup(PlacementType p, long campaignId, long adGroupId) {
        synchronized (estimator) {
            return estimator.adGroup(p, campaignId, adGroupId, clock.getAsLong());
        }
    }

    /** A creative's posterior on a placement type now. */
    public RateEstimator.Rate creative(PlacementType p, long campaignId, long adGroupId, long creativeId) {
        synchronized (estimator) {
            return estimator.creative(p, campaignId, adGroupId, creativeId, clock.getAsLong());
        }
    }

    // ---- persistence ----

    /** Writes the counts to the state file now (beside it, forced, then renamed over it). */
    public void save() throws IOException {
        Path file = config.stateFile();
        if (file == null) {
            return;
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        CRC32C crc = new CRC32C();
        try (OutputStream raw = Files.newOutputStream(tmp);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new CheckedOutputStream(raw, crc)))) {
            synchronized (estimator) {
                estimator.write(out);
            }
            out.flush();
            raw.write(longBytes(crc.getValue()));
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void saveQuietly() {
        try {
            save();
        } catch (IOException | RuntimeException e) {
            LOG.warn("saving learned rates to {} failed: {}", config.stateFile(), e.toString());
        }
    }

    private static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (56 - 8 * i));
        }
        return b;
    }

    private void load(Path file) {
        if (!Files.exists(file)) {
            return;
        }
        try {
            byte[] all = Files.readAllBytes(file);
            if (all.length < 8) {
                throw new IOException("shorter than its checksum");
            }
            CRC32C crc = new CRC32C();
            crc.update(all, 0, all.length - 8);
            long stored = 0;
            for (int i = all.length - 8; i < all.length; i++) {
                stored = stored << 8 | (all[i] & 0xff);
            }
            if (stored != crc.getValue()) {
                throw new IOException("checksum mismatch");
            }
            try (InputStream in = new java.io.ByteArrayInputStream(all, 0, all.length - 8);
                 DataInputStream data = new DataInputStream(new BufferedInputStream(new CheckedInputStream(in, new CRC32C())))) {
                estimator.read(data);
            }
            LOG.info("learned rates read from {}: {} keys", file, estimator.size());
        } catch (IOException e) {
            LOG.warn("learned rates file {} unreadable ({}); starting from the priors", file, e.getMessage());
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
        saveQuietly();
    }
}
