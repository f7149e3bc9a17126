package io.adengine.server;

import io.adengine.audience.AudienceService;
import io.adengine.events.Impressions;
import io.adengine.events.ServedAds;
import io.adengine.events.TrackerMint;
import io.adengine.index.SnapshotHolder;
import io.adengine.match.AdDecider;
import io.adengine.match.FrequencyGate;
import io.adengine.match.RateSource;
import io.adengine.match.AdRequest;
import io.adengine.match.BudgetGate;
import io.adengine.match.Decision;
import io.adengine.match.UserTargeting;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the handlers share: the published snapshot, the decision's collaborators, the tracker mint, the
 * response writer, where served ads are reported, the optional routes (trackers, reports, catalog and
 * audience administration: absent when their subsystem is not configured), metrics and the clock; plus
 * each event-loop thread's own scratch (parser, request, decider, decision, impressions, body buffer),
 * so a request allocates no per-request objects of ours. Built once by {@link Engine}.
 */
final class ServingContext {

    final SnapshotHolder snapshots;
    final ServingMetrics metrics;
    final TrackerMint mint;
    final AdResponseWriter writer;
    final ServedAds served;
    final LongSupplier clock;
    final LongSupplier seeds;
    final int maxBodyBytes;
    final String adminToken;
    final Optional<AudienceService> audiences;
    final Optional<TrackerEndpoints> trackers;
    final Optional<ReportsApi> reports;
    final Optional<CatalogAdminHandler> catalogAdmin;
    final RateSource rates;
    /** Why {@code /health} must say not ready (a cluster replica still catching up), or empty. */
    final Supplier<Optional<String>> notReady;
    private final FastThreadLocal<Scratch> scratch;

    ServingContext(SnapshotHolder snapshots, ServingMetrics metrics, TrackerMint mint, AdResponseWriter writer, ServedAds served,
                   LongSupplier clock, LongSupplier seeds, int maxBodyBytes, String adminToken, BudgetGate budget, UserTargeting users,
                   Optional<AudienceService> audiences, Optional<TrackerEndpoints> trackers, Optional<ReportsApi> reports,
                   Optional<CatalogAdminHandler> catalogAdmin) {
        this(snapshots, metrics, mint, writer, served, clock, seeds, maxBodyBytes, adminToken, budget, users, audiences, trackers,
                reports, catalogAdmin, Optional::empty, RateSource.PRIORS, FrequencyGate.NONE);
    }

    /** As above, with the cluster's readiness and the learned rates ({@link RateSource#PRIORS}: none). */
    ServingContext(SnapshotHolder snapshots, ServingMetrics metrics, TrackerMint mint, AdResponseWriter writer, ServedAds served,
                   LongSupplier clock, LongSupplier seeds, int maxBodyBytes, String adminToken, BudgetGate budget, UserTargeting users,
                   Optional<AudienceService> audiences, Optional<TrackerEndpoints> trackers, Optional<ReportsApi> reports,
                   Optional<CatalogAdminHandler> catalogAdmin, Supplier<Optional<String>> notReady, RateSource rates,
                   FrequencyGate frequency) {
        this.notReady = notReady;
        this.snapshots = snapshots;
        this.metrics = metrics;
        this.mint = mint;
        this.writer = writer;
        this.served = served;
        this.clock = clock;
        this.seeds = seeds;
        this.maxBodyBytes = maxBodyBytes;
        this.adminToken = adminToken;
        this.audiences = audiences;
        this.trackers = trackers;
        this.reports = reports;
        this.catalogAdmin = catalogAdmin;
        this.rates = rates;
        this.scratch = new FastThreadLocal<>() {
            @Override
            protected Scratch initialValue() {
                return new Scratch(new AdDecider(budget, users, rates, frequency), maxBodyBytes);
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
        final Impressions impressions = new Impressions();
        final AdDecider decider;
        final byte[] body;

        Scratch(AdDecider decider, int maxBodyBytes) {
            this.decider = decider;
            this.body = new byte[maxBodyBytes];
        }
    }
}
