package io.adengine.server;

import io.adengine.index.SnapshotHolder;
import io.adengine.match.AdDecider;
import io.adengine.match.AdRequest;
import io.adengine.match.BudgetGate;
import io.adengine.match.Decision;
import io.adengine.match.UserTargeting;
import io.adengine.sync.CatalogAdminApi;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.function.LongSupplier;

/**
 * What the handlers share: the published snapshot, the gates, the response writer, metrics and the
 * clock; plus each event-loop thread's own scratch (parser, request, decider, decision, body buffer),
 * so a request allocates no per-request objects of ours.
 */
final class ServingContext {

    final SnapshotHolder snapshots;
    final ServingMetrics metrics;
    final AdResponseWriter writer;
    final LongSupplier clock;
    final LongSupplier seeds;
    final int maxBodyBytes;
    final String adminToken;
    /** The catalog admin API when control-plane sync is on, else {@code null}. */
    volatile CatalogAdminApi catalogApi;
    /** The user side, or {@code null} when no audience store is configured. */
    final io.adengine.audience.AudienceService audiences;
    private final FastThreadLocal<Scratch> scratch;
    /** Tracker endpoints and reports when the event pipeline runs; set by the engine before it binds. */
    TrackerEndpoints trackers;
    ReportsApi reports;

    ServingContext(SnapshotHolder snapshots, ServingMetrics metrics, AdResponseWriter writer, LongSupplier clock, LongSupplier seeds,
                   int maxBodyBytes, String adminToken, BudgetGate budget, io.adengine.audience.AudienceService audiences) {
        this.snapshots = snapshots;
        this.metrics = metrics;
        this.writer = writer;
        this.clock = clock;
        this.seeds = seeds;
        this.maxBodyBytes = maxBodyBytes;
        this.adminToken = adminToken;
        this.audiences = audiences;
        UserTargeting users = audiences == null ? UserTargeting.UNKNOWN_USERS : audiences.targeting();
        this.scratch = new FastThreadLocal<>() {
            @Override
            protected Scratch initialValue() {
                return new Scratch(new AdDecider(budget, users), maxBodyBytes);
            }
        };
    }

    Scratch scratch() {
        return scratch.get();
    }

    /** One thread's reusable objects. */
    static final class Scratch {
        final AdRequestParser parser = new AdRequestParser();
        final AdRequest request = new AdRequest();
        final Decision decision = new Decision();
        final AdDecider decider;
        final byte[] body;

        Scratch(AdDecider decider, int maxBodyBytes) {
            this.decider = decider;
            this.body = new byte[maxBodyBytes];
        }
    }
}
