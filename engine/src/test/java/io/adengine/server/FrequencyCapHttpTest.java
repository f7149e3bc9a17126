package io.adengine.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adengine.catalog.CatalogJson;
import io.adengine.config.EngineConfig;
import io.adengine.config.EventsConfig;
import io.adengine.match.BudgetGate;
import io.adengine.model.Catalog;
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
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Frequency caps through the documented API of a real engine with the event pipeline on: the sample catalog's
 * top-ranked feed group (210) capped at 2 impressions a day serves a user twice and then no more that day, while
 * another user still gets it; explain says FREQUENCY_CAP; served ads whose impressions have not come yet count until
 * the reservation hold ends; a request without a usable user id (no GAID, COPPA) does not get the capped group; the
 * count survives restarts (from the frequency checkpoint, and from the journal alone when the checkpoint is corrupt or
 * gone); the
 * next day the user gets it again.
 */
class FrequencyCapHttpTest {

    private static final Path CONFIG_DIR = Path.of("..", "config");
    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String USER_A = "38400000-8cf0-11bd-b23e-10b96e40000d";
    private static final String USER_B = "38400000-8cf0-11bd-b23e-10b96e40000e";
    private static final String USER_C = "38400000-8cf0-11bd-b23e-10b96e40000f";
    private static final long CAPPED = 210;

    @TempDir
    Path dir;
    private final AtomicLong clock = new AtomicLong(NOW);

    private Catalog cappedCatalog() throws Exception {
        return catalog("adGroups", CAPPED);
    }

    /** The sample catalog with 2 impressions a day on one ad group or campaign. */
    private Catalog catalog(String list, long id) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(CONFIG_DIR.resolve("sample-catalog.json").toFile());
        for (JsonNode g : root.get(list)) {
            if (g.get("id").asLong() == id) {
                ((ObjectNode) g).putArray("frequencyCaps").addObject().put("event", "IMPRESSION").put("max", 2).put("windowSeconds", 86_400);
            }
        }
        Path file = dir.resolve("catalog.json");
        JSON.writeValue(file.toFile(), root);
        return CatalogJson.read(file);
    }

    private Engine start(Catalog catalog) throws Exception {
        EngineConfig config = EngineConfig.defaults(CONFIG_DIR.resolve("sample-catalog.json"))
                .withEvents(EventsConfig.inDirectory(dir.resolve("journal")).withPacing(EventsConfig.Pacing.ASAP));
        return Engine.start(config, catalog, clock::get, () -> 42L, BudgetGate.UNLIMITED);
    }

    private static ObjectNode request(String gaid, Consumer<ObjectNode> edit) throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(CONFIG_DIR.resolve("sample-request.json").toFile());
        body.put("count", 1);
        if (gaid == null) {
            body.remove("gaid");
        } else {
            body.put("gaid", gaid);
        }
        edit.accept(body);
        return body;
    }

    /** One ad for the user: its group and its impression tracker. */
    private static JsonNode serve(Engine engine, ObjectNode body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.publicPort() + "/v1/ads"))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("ads").get(0);
    }

    private static long serveGroup(Engine engine, String gaid) throws Exception {
        return serve(engine, request(gaid, b -> { })).get("adGroupId").asLong();
    }

    /** Serves the user one ad, fires its impression tracker; the ad's group. */
    private static long serveAndShow(Engine engine, String gaid) throws Exception {
        JsonNode ad = serve(engine, request(gaid, b -> { }));
        String url = ad.get("impressionTrackers").get(0).asText();
        HttpResponse<String> imp = HTTP.send(HttpRequest.newBuilder(URI.create(url.replaceFirst("^https?://[^/]+",
                "http://127.0.0.1:" + engine.publicPort()))).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(imp.statusCode()).as(imp.body()).isEqualTo(204);
        engine.events().orElseThrow().drain();
        return ad.get("adGroupId").asLong();
    }

    private static String explainReason(Engine engine, String gaid) throws Exception {
        ObjectNode body = request(gaid, b -> b.put("explainAdGroupId", CAPPED));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.adminPort() + "/v1/admin/explain"))
                .header("Authorization", "Bearer test-admin-token").POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("explain").path("adGroup").path("reason").asText();
    }

    /** The groups of one answer of {@code count} ads on an ad space, each with its impression tracker URL. */
    private static java.util.Map<Long, String> serveMany(Engine engine, String gaid, long adSpace, int count) throws Exception {
        ObjectNode body = request(gaid, b -> b.put("adSpaceId", adSpace).put("count", count));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.publicPort() + "/v1/ads"))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
        java.util.Map<Long, String> ads = new java.util.HashMap<>();
        if (r.statusCode() == 200) {
            JSON.readTree(r.body()).get("ads").forEach(ad -> ads.put(ad.get("adGroupId").asLong(), ad.get("impressionTrackers").get(0).asText()));
        }
        return ads;
    }

    private static void show(Engine engine, String trackerUrl) throws Exception {
        HttpResponse<String> imp = HTTP.send(HttpRequest.newBuilder(URI.create(trackerUrl.replaceFirst("^https?://[^/]+",
                "http://127.0.0.1:" + engine.publicPort()))).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(imp.statusCode()).as(imp.body()).isEqualTo(204);
        engine.events().orElseThrow().drain();
    }

    @Test
    void aCampaignCapCountsTheImpressionsOfAllItsGroups() throws Exception {
        // Campaign 20 (group 200 on the feed, group 201 on banners, 18:00-23:00 local at UTC+5) capped at 2 impressions a
        // day: one impression of each uses it up.
        clock.set(NOW + 12_600_000);
        try (Engine engine = start(catalog("campaigns", 20))) {
            java.util.Map<Long, String> feed = serveMany(engine, USER_A, 101, 3);
            assertThat(feed).containsKey(200L);
            show(engine, feed.get(200L));
            clock.addAndGet(60_000);
            java.util.Map<Long, String> banner = serveMany(engine, USER_A, 102, 3);
            assertThat(banner).containsKey(201L);
            show(engine, banner.get(201L));
            clock.addAndGet(60_000);
            assertThat(serveMany(engine, USER_A, 101, 3)).as("group 200 after one impression of each group").doesNotContainKey(200L);
            assertThat(serveMany(engine, USER_A, 102, 3)).as("group 201").doesNotContainKey(201L);
            assertThat(serveMany(engine, USER_B, 101, 3)).as("another user").containsKey(200L);
            assertThat(serveMany(engine, USER_B, 102, 3)).containsKey(201L);
        }
    }

    @Test
    void aGroupCappedAtTwoImpressionsADayServesAUserTwiceThenNoMoreThatDay() throws Exception {
        Catalog catalog = cappedCatalog();
        try (Engine engine = start(catalog)) {
            assertThat(serveAndShow(engine, USER_A)).as("the capped group is the best-paying feed ad").isEqualTo(CAPPED);
            clock.addAndGet(60_000);
            assertThat(serveAndShow(engine, USER_A)).isEqualTo(CAPPED);
            clock.addAndGet(60_000);
            assertThat(serveGroup(engine, USER_A)).as("a third time the same day: another group").isNotEqualTo(CAPPED);
            assertThat(explainReason(engine, USER_A)).isEqualTo("FREQUENCY_CAP");
            assertThat(serveGroup(engine, USER_B)).as("another user still gets it").isEqualTo(CAPPED);

            assertThat(serveGroup(engine, null)).as("no GAID: nobody can count this user's impressions").isNotEqualTo(CAPPED);
            assertThat(serve(engine, request(USER_B, b -> b.putObject("regs").put("coppa", 1))).get("adGroupId").asLong())
                    .as("COPPA: no frequency lookups").isNotEqualTo(CAPPED);

            // Served but not shown yet: both served ads count until the reservation hold (5 s) ends.
            assertThat(serveGroup(engine, USER_C)).isEqualTo(CAPPED);
            assertThat(serveGroup(engine, USER_C)).isEqualTo(CAPPED);
            engine.events().orElseThrow().drain();
            assertThat(serveGroup(engine, USER_C)).as("two served ads pending").isNotEqualTo(CAPPED);
            clock.addAndGet(5_000);
            assertThat(serveGroup(engine, USER_C)).as("the hold ended without their impressions").isEqualTo(CAPPED);
        }
        clock.addAndGet(60_000);
        try (Engine engine = start(catalog)) {
            assertThat(serveGroup(engine, USER_A)).as("after a restart (frequency checkpoint)").isNotEqualTo(CAPPED);
        }
        // A corrupt frequency checkpoint (one byte flipped: the CRC fails) is ignored: the counts come from the journal.
        Path checkpoint = dir.resolve("journal").resolve("frequency.bin");
        byte[] bytes = Files.readAllBytes(checkpoint);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(checkpoint, bytes);
        try (Engine engine = start(catalog)) {
            assertThat(serveGroup(engine, USER_A)).as("after a restart with a corrupt checkpoint").isNotEqualTo(CAPPED);
        }
        Files.delete(checkpoint);
        try (Engine engine = start(catalog)) {
            assertThat(serveGroup(engine, USER_A)).as("after a restart without the checkpoint (journal replay)").isNotEqualTo(CAPPED);
            // A day after the first impression, plus the bucketing's seventh of the window.
            clock.set(NOW + 86_400_000L + 86_400_000L / 7 + 60_000);
            assertThat(serveGroup(engine, USER_A)).as("the next day").isEqualTo(CAPPED);
        }
    }
}
