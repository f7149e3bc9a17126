package io.adengine.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adengine.catalog.CatalogJson;
import io.adengine.config.EngineConfig;
import io.adengine.config.EventsConfig;
import io.adengine.match.BudgetGate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conversion goals end to end, over HTTP: a CPA ad group whose {@code conversionEvents} is ["purchase"] is charged
 * for a purchase postback and a conversion without a name, not for an install postback; the report shows both kinds
 * with their revenue, and still does after a restart.
 */
class GoalConversionsHttpTest {

    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final long BID = 2_000_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final String CATALOG = """
            {"version": 1,
             "accounts": [{"id": 1, "version": 1, "name": "A", "type": "ADVERTISER", "company": "A Ltd", "industry": "games",
               "currency": "USD", "status": "APPROVED", "paymentMode": "PREPAID", "balanceMicros": 1000000000, "creditLimitMicros": 0,
               "commitmentLetterOnFile": false}],
             "campaigns": [{"id": 10, "version": 1, "accountId": 1, "name": "C", "objective": "PERFORMANCE", "promotion": "APP_DOWNLOAD",
               "enabled": true}],
             "adGroups": [{"id": 100, "version": 1, "campaignId": 10, "name": "G",
               "app": {"packageName": "com.example.game", "channel": "GOOGLE_PLAY"}, "installState": "ALL_USERS",
               "placements": ["FEED"], "targeting": {}, "schedule": {"utcOffsetHours": 0, "start": "2026-01-01"},
               "budget": {"totalMicros": 0, "dailyMicros": 0}, "bid": {"model": "CPA", "amountMicros": %d},
               "review": "APPROVED", "deliveryOn": true, "conversionEvents": ["purchase"]}],
             "creatives": [{"id": 1000, "version": 1, "adGroupId": 100, "name": "cr", "format": "LARGE_NEWSFEED_IMAGE",
               "titles": ["t"], "descriptions": ["d"], "buttons": ["Install"],
               "images": [{"url": "https://cdn.example.com/i.jpg", "width": 1200, "height": 628, "bytes": 1000}], "videos": [],
               "clickUrl": "https://example.com/landing", "impressionTrackers": [], "videoTrackers": [], "review": "APPROVED"}],
             "adSpaces": [{"id": 101, "version": 1, "publisherId": 7, "name": "feed", "placement": "FEED",
               "formats": ["LARGE_NEWSFEED_IMAGE"], "floorCpmMicros": 0}]}
            """.formatted(BID);
    private static final String REQUEST = """
            {"requestId": "goal-1", "adSpaceId": 101, "count": 1, "gaid": "38400000-8cf0-11bd-b23e-10b96e40000d",
             "device": {"os": "android", "osVersion": "13", "model": "Redmi Note 12", "language": "en", "network": "wifi", "carrier": "jio"},
             "geo": {"country": "IN", "region": "IN-MH"}}
            """;

    @TempDir
    Path dir;
    private final AtomicLong clock = new AtomicLong(NOW);

    private Engine start() throws Exception {
        Path catalog = dir.resolve("catalog.json");
        Files.writeString(catalog, CATALOG);
        EngineConfig config = EngineConfig.defaults(catalog)
                .withEvents(EventsConfig.inDirectory(dir.resolve("journal")).withFsync(EventsConfig.Fsync.NONE)
                        .withPacing(EventsConfig.Pacing.ASAP));
        return Engine.start(config, CatalogJson.read(catalog), clock::get, () -> 42L, BudgetGate.UNLIMITED);
    }

    private static HttpResponse<String> get(Engine engine, int port, String pathAndQuery) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery));
        if (port == engine.adminPort()) {
            b.header("Authorization", "Bearer test-admin-token");
        }
        return HTTP.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(Engine engine, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.publicPort() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Serves an ad, counts its impression and, a second later, its click; the click id. */
    private String clickId(Engine engine) throws Exception {
        HttpResponse<String> served = post(engine, "/v1/ads", REQUEST);
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        JsonNode ad = JSON.readTree(served.body()).get("ads").get(0);
        String imp = ad.get("impressionTrackers").get(0).asText();
        assertThat(get(engine, engine.publicPort(), "/v1/events/imp?t=" + imp.substring(imp.indexOf("t=") + 2)).statusCode()).isEqualTo(204);
        clock.addAndGet(1_000);
        String click = ad.get("clickTracker").asText();
        HttpResponse<String> clicked = get(engine, engine.publicPort(), "/v1/events/click?t=" + click.substring(click.indexOf("t=") + 2));
        assertThat(clicked.statusCode()).isEqualTo(302);
        clock.addAndGet(1_000);
        return clicked.headers().firstValue("x-conversion-token").orElseThrow();
    }

    private static int postback(Engine engine, String clickId, String event, long revenue) throws Exception {
        return get(engine, engine.publicPort(), "/v1/events/postback?click_id=" + clickId + "&event=" + event
                + (revenue > 0 ? "&revenue=" + revenue : "")).statusCode();
    }

    private static JsonNode groupRow(Engine engine) throws Exception {
        engine.events().orElseThrow().drain();
        HttpResponse<String> r = get(engine, engine.adminPort(), "/v1/admin/reports?groupBy=adGroup");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode rows = JSON.readTree(r.body()).get("rows");
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    private static long spent(Engine engine) {
        engine.events().orElseThrow().drain();
        return engine.events().orElseThrow().ledger().group(100).totalSpent();
    }

    @Test
    void aPurchaseGoalShouldBeChargedAndAnInstallOnlyReportedAndBothKeptAcrossARestart() throws Exception {
        String first;
        String second;
        long unit;
        try (Engine engine = start()) {
            first = clickId(engine);
            second = clickId(engine);

            assertThat(postback(engine, first, "install", 1_500_000)).isEqualTo(204);
            assertThat(spent(engine)).as("an install is not this group's goal").isZero();
            assertThat(postback(engine, first, "purchase", 4_990_000)).isEqualTo(204);
            // The CPA price a goal is charged is the auction's (second price, at most the bid), the same for both ads.
            unit = spent(engine);
            assertThat(unit).as("a purchase is").isPositive().isLessThanOrEqualTo(BID);
            // Per click and event: a second purchase of the click is a repeat; a second install too.
            assertThat(postback(engine, first, "purchase", 4_990_000)).isEqualTo(409);
            assertThat(postback(engine, first, "install", 0)).isEqualTo(409);
            // Names are matched exactly: "Purchase" is another event, not the goal.
            assertThat(postback(engine, second, "Purchase", 100)).isEqualTo(204);
            // A conversion without an event name counts as the goal.
            assertThat(post(engine, "/v1/events/conversion", "{\"token\":\"" + second + "\"}").statusCode()).isEqualTo(204);
            assertThat(spent(engine)).isEqualTo(2 * unit);

            assertRow(groupRow(engine), unit);
            HttpResponse<String> csv = get(engine, engine.adminPort(), "/v1/admin/reports?groupBy=campaign&format=csv");
            String[] header = csv.body().lines().findFirst().orElseThrow().split(",");
            String[] row = csv.body().lines().skip(1).findFirst().orElseThrow().split(",");
            java.util.List<String> names = java.util.List.of(header);
            assertThat(row[names.indexOf("conversions")]).isEqualTo("2");
            assertThat(row[names.indexOf("otherConversions")]).isEqualTo("2");
            assertThat(row[names.indexOf("revenueMicros")]).isEqualTo(Long.toString(1_500_000 + 4_990_000 + 100));
            assertThat(row[names.indexOf("goalRevenueMicros")]).isEqualTo("4990000");
            assertThat(row[names.indexOf("otherRevenueMicros")]).isEqualTo("1500100");
            assertThat(row[names.indexOf("costMicros")]).isEqualTo(Long.toString(2 * unit));
        }
        try (Engine engine = start()) {
            assertRow(groupRow(engine), unit);
            assertThat(spent(engine)).isEqualTo(2 * unit);
            assertThat(postback(engine, first, "purchase", 1)).as("still a repeat after the restart").isEqualTo(409);
            assertThat(postback(engine, second, "purchase", 1)).as("the other click's first purchase").isEqualTo(204);
            assertThat(spent(engine)).isEqualTo(3 * unit);
        }
    }

    private static void assertRow(JsonNode row, long unit) {
        assertThat(row.get("conversions").asLong()).as("goal conversions").isEqualTo(2);
        assertThat(row.get("otherConversions").asLong()).isEqualTo(2);
        assertThat(row.get("goalRevenueMicros").asLong()).isEqualTo(4_990_000);
        assertThat(row.get("otherRevenueMicros").asLong()).isEqualTo(1_500_000 + 100);
        assertThat(row.get("revenueMicros").asLong()).isEqualTo(1_500_000 + 4_990_000 + 100);
        assertThat(row.get("costMicros").asLong()).isEqualTo(2 * unit);
        assertThat(row.get("clicks").asLong()).isEqualTo(2);
        assertThat(row.get("cvr").asDouble()).as("goal conversions per click").isEqualTo(1.0);
    }
}
