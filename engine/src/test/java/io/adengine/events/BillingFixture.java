package io.adengine.events;

import io.adengine.config.EngineConfig;
import io.adengine.config.EventsConfig;
import io.adengine.index.SnapshotBuilder;
import io.adengine.index.SnapshotHolder;
import io.adengine.model.Catalog;
import io.adengine.catalog.CatalogJson;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A one-account, one-campaign, one-ad-group catalog with the billing model, bid, budgets, balance and
 * time zone a test needs, and helpers to start a pipeline over it and publish tracker events.
 */
final class BillingFixture {

    static final long ACCOUNT = 1;
    static final long CAMPAIGN = 10;
    static final long GROUP = 100;
    static final long CREATIVE = 1000;
    static final long AD_SPACE = 101;
    static final long PUBLISHER = 7;

    private BillingFixture() {
    }

    static Catalog catalog(String billing, long bidMicros, long dailyMicros, long totalMicros, long balanceMicros, int utcOffsetHours) {
        return catalog(billing, bidMicros, dailyMicros, totalMicros, balanceMicros, utcOffsetHours, "");
    }

    /** As above, with more ad group fields ({@code groupFields}: JSON members with a leading comma, or empty). */
    static Catalog catalog(String billing, long bidMicros, long dailyMicros, long totalMicros, long balanceMicros, int utcOffsetHours,
                           String groupFields) {
        String objective = billing.equals("CPM") || billing.equals("CPT") ? "BRAND" : "PERFORMANCE";
        String json = """
                {"version": 1,
                 "accounts": [{"id": 1, "version": 1, "name": "A", "type": "ADVERTISER", "company": "A Ltd", "industry": "games",
                   "currency": "USD", "status": "APPROVED", "paymentMode": "PREPAID", "balanceMicros": %d, "creditLimitMicros": 0,
                   "commitmentLetterOnFile": false}],
                 "campaigns": [{"id": 10, "version": 1, "accountId": 1, "name": "C", "objective": "%s", "promotion": "APP_DOWNLOAD", "enabled": true}],
                 "adGroups": [{"id": 100, "version": 1, "campaignId": 10, "name": "G",
                   "app": {"packageName": "com.example.game", "channel": "GOOGLE_PLAY"}, "installState": "ALL_USERS",
                   "placements": ["FEED"], "targeting": {}, "schedule": {"utcOffsetHours": %d, "start": "2026-01-01"},
                   "budget": {"totalMicros": %d, "dailyMicros": %d}, "bid": {"model": "%s", "amountMicros": %d},
                   "review": "APPROVED", "deliveryOn": true%s}],
                 "creatives": [{"id": 1000, "version": 1, "adGroupId": 100, "name": "cr", "format": "LARGE_NEWSFEED_IMAGE",
                   "titles": ["t"], "descriptions": ["d"], "buttons": ["Install"],
                   "images": [{"url": "https://cdn.example.com/i.jpg", "width": 1200, "height": 628, "bytes": 1000}], "videos": [],
                   "clickUrl": "https://example.com/landing", "impressionTrackers": [], "videoTrackers": [], "review": "APPROVED"}],
                 "adSpaces": [{"id": 101, "version": 1, "publisherId": 7, "name": "feed", "placement": "FEED",
                   "formats": ["LARGE_NEWSFEED_IMAGE"], "floorCpmMicros": 0}]}
                """.formatted(balanceMicros, objective, utcOffsetHours, totalMicros, dailyMicros, billing, bidMicros, groupFields);
        try {
            return CatalogJson.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SnapshotHolder holder(Catalog catalog) {
        return new SnapshotHolder(new SnapshotBuilder(EngineConfig.AuctionConfig.defaults()).build(catalog));
    }

    static EventPipeline start(Path dir, SnapshotHolder holder, AtomicLong clock) throws IOException {
        return EventPipeline.startManualTicks(EventsConfig.inDirectory(dir).withPacing(EventsConfig.Pacing.ASAP), holder,
                clock::get, new PrometheusRegistry(), EventPipeline.EventSink.NONE);
    }

    static TrackerSigner.Claims claims(String billing, long chargePerUnit, long expiresEpochSeconds) {
        return new TrackerSigner.Claims(TrackerSigner.Purpose.IMPRESSION, newImpressionId(), AD_SPACE, CAMPAIGN, GROUP, CREATIVE, billing, chargePerUnit, expiresEpochSeconds);
    }

    static String newImpressionId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return String.format("%016x%016x", r.nextLong(), r.nextLong());
    }

    /** Publishes the claims' impression a second before {@code now}, then its click at {@code now}; the click's verdict. */
    static BillingEvent.Status click(EventPipeline p, TrackerSigner.Claims c, long now) {
        publish(p, EventType.IMPRESSION, c, now - 1_000);
        return publish(p, EventType.CLICK, c, now);
    }

    /** Publishes the claims' impression and click (two and one seconds before), then the conversion; its verdict. */
    static BillingEvent.Status convert(EventPipeline p, TrackerSigner.Claims c, long now) {
        click(p, c, now - 1_000);
        return publish(p, EventType.CONVERSION, c, now);
    }

    /** Publishes a tracker event for the claims (blocking until acknowledged) and returns the journal's verdict. */
    static BillingEvent.Status publish(EventPipeline p, EventType type, TrackerSigner.Claims c, long now) {
        long hi = Long.parseUnsignedLong(c.impressionId().substring(0, 16), 16);
        long lo = Long.parseUnsignedLong(c.impressionId().substring(16), 16);
        java.util.concurrent.CompletableFuture<BillingEvent.Status> f = new java.util.concurrent.CompletableFuture<>();
        if (!p.publishTracker(type, c, hi, lo, ACCOUNT, PUBLISHER, (short) 0, now, (status, reason) -> f.complete(status))) {
            throw new IllegalStateException("ring full");
        }
        try {
            return f.get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
