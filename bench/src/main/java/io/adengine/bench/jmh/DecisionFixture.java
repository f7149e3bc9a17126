package io.adengine.bench.jmh;

import io.adengine.bench.workload.CatalogGenerator;
import io.adengine.bench.workload.EngineYaml;
import io.adengine.bench.workload.RequestGenerator;
import io.adengine.bench.workload.WorkloadSize;
import io.adengine.index.Snapshot;
import io.adengine.index.SnapshotBuilder;
import io.adengine.match.AdRequest;
import io.adengine.model.Catalog;

import java.time.LocalTime;
import java.time.ZoneOffset;

/**
 * Everything one decision benchmark needs, built once: the workload's catalog, its snapshot, and a
 * power-of-two array of ready {@link AdRequest}s to cycle through. The decision instant is fixed
 * ({@link #NOW_MILLIS}: 30 days after the generator's anchor, 12:00 UTC) so runs are comparable.
 */
public final class DecisionFixture {

    /** The instant every benchmark decision is made at. */
    public static final long NOW_MILLIS = CatalogGenerator.ANCHOR.plusDays(30).atTime(LocalTime.NOON)
            .toInstant(ZoneOffset.UTC).toEpochMilli();

    private final Catalog catalog;
    private final Snapshot snapshot;
    private final AdRequest[] requests;
    private final AdRequest[] tenAds;

    /** Generates the workload and {@code requestCount} (a power of two) requests. */
    public DecisionFixture(WorkloadSize size, long seed, int requestCount) {
        this(size, seed, requestCount, 0);
    }

    /**
     * As above, with frequency caps on {@code cappedPercent} % of the ad groups (chosen by a hash of their id): 3
     * impressions a day and 10 a week, unknown users not allowed.
     */
    public DecisionFixture(WorkloadSize size, long seed, int requestCount, int cappedPercent) {
        if (Integer.bitCount(requestCount) != 1) {
            throw new IllegalArgumentException("requestCount must be a power of two, was " + requestCount);
        }
        this.catalog = withCaps(new CatalogGenerator(size, seed).generate(), cappedPercent);
        this.snapshot = new SnapshotBuilder(EngineYaml.auction()).build(catalog);
        RequestGenerator generator = new RequestGenerator(size, seed);
        this.requests = new AdRequest[requestCount];
        this.tenAds = new AdRequest[requestCount];
        for (int i = 0; i < requestCount; i++) {
            requests[i] = generator.request(i).applyTo(new AdRequest(), NOW_MILLIS, i);
            tenAds[i] = generator.request(i).applyTo(new AdRequest(), NOW_MILLIS, i).count(AdRequest.MAX_COUNT);
        }
    }

    public Catalog catalog() {
        return catalog;
    }

    static final java.util.List<io.adengine.model.FrequencyCap> CAPS = java.util.List.of(
            new io.adengine.model.FrequencyCap(io.adengine.model.FrequencyCap.Event.IMPRESSION, 3, 86_400),
            new io.adengine.model.FrequencyCap(io.adengine.model.FrequencyCap.Event.IMPRESSION, 10, 7 * 86_400L));

    private static Catalog withCaps(Catalog c, int percent) {
        if (percent <= 0) {
            return c;
        }
        java.util.List<io.adengine.model.AdGroup> groups = new java.util.ArrayList<>();
        for (io.adengine.model.AdGroup g : c.adGroups()) {
            groups.add(Long.remainderUnsigned(io.adengine.match.AdDecider.mix(g.id()), 100) < percent ? g.withFrequencyCaps(CAPS, false) : g);
        }
        return new Catalog(c.version(), c.accounts(), c.campaigns(), groups, c.creatives(), c.adSpaces());
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    /** The same requests asking for {@link AdRequest#MAX_COUNT} ads, as {@code /v1/vast} and {@code /openrtb2/bid} ask. */
    public AdRequest[] tenAdRequests() {
        return tenAds;
    }

    /** The prepared requests; callers cycle through them with {@code index & (length - 1)}. */
    public AdRequest[] requests() {
        return requests;
    }
}
