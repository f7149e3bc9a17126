package io.adengine.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adengine.catalog.CatalogJson;
import io.adengine.config.EngineConfig;
import io.adengine.config.EventsConfig;
import io.adengine.match.BudgetGate;
import io.adengine.testing.Promtool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /metrics} of a real engine with events on, after it served ads and journaled a tracker event:
 * request latency and journal fsync time are Prometheus histograms a fleet can add up (cumulative buckets,
 * {@code _count} equal to what was counted), not quantiles of one process; and promtool accepts the whole
 * exposition.
 */
class MetricsExpositionTest {

    private static final Path CONFIG_DIR = Path.of("..", "config");
    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int REQUESTS = 5;

    @TempDir
    static Path journal;
    private static Engine engine;
    private static EngineConfig config;
    private static String metrics;

    @BeforeAll
    static void givenAnEngineThatServedAdsAndJournaledAnImpression() throws Exception {
        config = EngineConfig.defaults(CONFIG_DIR.resolve("sample-catalog.json"))
                .withEvents(EventsConfig.inDirectory(journal).withPacing(EventsConfig.Pacing.ASAP));
        engine = Engine.start(config, CatalogJson.read(CONFIG_DIR.resolve("sample-catalog.json")), () -> NOW, () -> 42L,
                BudgetGate.UNLIMITED);
        String token = null;
        for (int i = 0; i < REQUESTS; i++) {
            HttpResponse<String> ads = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.publicPort() + "/v1/ads"))
                    .POST(HttpRequest.BodyPublishers.ofString(Files.readString(CONFIG_DIR.resolve("sample-request.json")))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ads.statusCode()).isEqualTo(200);
            JsonNode ad = new ObjectMapper().readTree(ads.body()).get("ads").get(0);
            String tracker = ad.get("impressionTrackers").get(0).asText();
            token = tracker.substring(tracker.indexOf("t=") + 2);
        }
        // Acknowledged only after its batch was forced: one fsync at least is behind this 204.
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.publicPort() + "/v1/events/imp?t=" + token))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(204);
        HttpResponse<String> scrape = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.adminPort() + "/metrics"))
                .header("Authorization", "Bearer " + config.adminToken()).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        metrics = scrape.body();
    }

    @AfterAll
    static void stopEngine() {
        engine.close();
    }

    @Test
    void requestLatencyShouldBeAHistogramOfEveryCountedRequest() {
        assertThat(metrics).contains("# TYPE adengine_ad_request_latency_seconds histogram")
                .doesNotContain("quantile=");
        List<Double> buckets = values("adengine_ad_request_latency_seconds_bucket\\{le=\"[^\"]+\"}");

        assertThat(buckets).hasSize(ServingMetrics.LATENCY_BUCKETS_SECONDS.length).isSorted();
        assertThat(value("adengine_ad_request_latency_seconds_bucket\\{le=\"\\+Inf\"}")).isEqualTo(REQUESTS);
        assertThat(value("adengine_ad_request_latency_seconds_count")).isEqualTo(REQUESTS)
                .isEqualTo(value("adengine_ad_requests_total\\{outcome=\"filled\"}"));
        assertThat(value("adengine_ad_request_latency_seconds_sum")).isPositive();
    }

    @Test
    void journalFsyncTimeShouldBeAHistogramWhenTheJournalForces() {
        assertThat(metrics).contains("# TYPE adengine_journal_fsync_seconds histogram");
        assertThat(value("adengine_journal_fsync_seconds_count")).isPositive()
                .isLessThanOrEqualTo(value("adengine_journal_commits_total"));
        assertThat(values("adengine_journal_fsync_seconds_bucket\\{le=\"[^\"]+\"}")).isSorted();
    }

    @Test
    void promtoolShouldAcceptTheExpositionWhenItIsInstalled() throws Exception {
        Promtool.assertAccepts(metrics);
    }

    private static double value(String series) {
        List<Double> found = values(series);
        assertThat(found).as(series).hasSize(1);
        return found.get(0);
    }

    private static List<Double> values(String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(metrics);
        List<Double> found = new ArrayList<>();
        while (m.find()) {
            found.add(Double.parseDouble(m.group(1)));
        }
        return found;
    }
}
