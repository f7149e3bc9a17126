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
        if (Integer.bitCount(requestCount) != 1) {
            throw new IllegalArgumentException("requestCount must be a power of two, was " + requestCount);
        }
        this.catalog = new CatalogGenerator(size, seed).generate();
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
