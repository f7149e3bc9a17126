package io.adengine.bench.events;

import io.adengine.model.Catalog;
import io.adengine.catalog.CatalogJson;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** Deterministic CPM catalogs for the event benchmarks: many ad groups on one ad space. */
final class BenchCatalogs {

    private BenchCatalogs() {
    }

    /**
     * {@code groups} CPM ad groups (100 per account, UTC), bids 0.5..5 USD CPM, daily budgets drawn
     * log-uniform so that the given demand (impressions a group would get unthrottled in a day) costs
     * between 0.3 and 3 times its budget: some groups exhaust during the day, as in workload M.
     */
    static Catalog cpm(int groups, long impressionsPerGroupPerDay, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder accounts = new StringBuilder();
        StringBuilder campaigns = new StringBuilder();
        StringBuilder adGroups = new StringBuilder();
        StringBuilder creatives = new StringBuilder();
        int accountsN = Math.max(1, groups / 100);
        for (int a = 1; a <= accountsN; a++) {
            accounts.append(a > 1 ? "," : "").append("""
                    {"id": %d, "version": 1, "name": "a", "type": "ADVERTISER", "company": "c", "industry": "games", "currency": "USD",
                     "status": "APPROVED", "paymentMode": "PREPAID", "balanceMicros": 1000000000000000, "creditLimitMicros": 0,
                     "commitmentLetterOnFile": false}""".formatted(a));
            campaigns.append(a > 1 ? "," : "").append("""
                    {"id": %d, "version": 1, "accountId": %d, "name": "c", "objective": "BRAND", "promotion": "APP_DOWNLOAD", "enabled": true}"""
                    .formatted(a, a));
        }
        for (int g = 1; g <= groups; g++) {
            long bid = 500_000 + r.nextLong(4_500_000);
            double ratio = Math.exp(Math.log(0.3) + r.nextDouble() * (Math.log(3) - Math.log(0.3)));
            long demandCost = impressionsPerGroupPerDay * bid / 1000;
            long daily = Math.max(1_000, (long) (demandCost / ratio));
            adGroups.append(g > 1 ? "," : "").append("""
                    {"id": %d, "version": 1, "campaignId": %d, "name": "g", "app": {"packageName": "com.example.g", "channel": "GOOGLE_PLAY"},
                     "installState": "ALL_USERS", "placements": ["FEED"], "targeting": {}, "schedule": {"utcOffsetHours": 0, "start": "2026-01-01"},
                     "budget": {"totalMicros": 0, "dailyMicros": %d}, "bid": {"model": "CPM", "amountMicros": %d},
                     "review": "APPROVED", "deliveryOn": true}""".formatted(g, (g - 1) % accountsN + 1, daily, bid));
            creatives.append(g > 1 ? "," : "").append("""
                    {"id": %d, "version": 1, "adGroupId": %d, "name": "cr", "format": "LARGE_NEWSFEED_IMAGE", "titles": ["t"],
                     "descriptions": ["d"], "buttons": ["b"], "images": [{"url": "https://x/i.jpg", "width": 1200, "height": 628, "bytes": 1}],
                     "videos": [], "clickUrl": "https://x/l", "impressionTrackers": [], "videoTrackers": [], "review": "APPROVED"}"""
                    .formatted(g, g));
        }
        String json = """
                {"version": 1, "accounts": [%s], "campaigns": [%s], "adGroups": [%s], "creatives": [%s],
                 "adSpaces": [{"id": 101, "version": 1, "publisherId": 7, "name": "feed", "placement": "FEED",
                   "formats": ["LARGE_NEWSFEED_IMAGE"], "floorCpmMicros": 0}]}
                """.formatted(accounts, campaigns, adGroups, creatives);
        return CatalogJson.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }
}
