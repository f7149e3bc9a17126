package io.adengine.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adengine.catalog.CatalogJson;
import io.adengine.config.EngineConfig;
import io.adengine.config.EventsConfig;
import io.adengine.match.BudgetGate;
import io.adengine.model.Catalog;
import io.adengine.model.Creative;
import io.adengine.model.VideoAd;
import io.adengine.testing.VastClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /v1/vast} of a real engine on the sample catalog: every answer validates against {@code vast_4.2.xsd}, and
 * the dailymotion VAST client (under node) finds the ad, its media files, every tracking event (the engine's signed
 * ones and the creative's third-party ones) and the click-through; no fill is an empty VAST 4.2 document the client
 * finds no ad in; bad input is a 400 naming the field.
 */
class VastHttpTest {

    private static final Path CONFIG_DIR = Path.of("..", "config");
    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @TempDir
    static Path journal;
    private static Engine engine;
    private static Catalog catalog;
    private static EngineConfig config;

    @BeforeAll
    static void startEngine() throws Exception {
        VastWriterTest.schema();
        catalog = withoutFloor(CONFIG_DIR.resolve("sample-catalog.json"), 104);
        config = EngineConfig.defaults(CONFIG_DIR.resolve("sample-catalog.json"))
                .withEvents(EventsConfig.inDirectory(journal).withPacing(EventsConfig.Pacing.ASAP));
        engine = Engine.start(config, catalog, () -> NOW, () -> 42L, BudgetGate.UNLIMITED);
    }

    /** The sample catalog with one ad space's floor at 0 (its CPA group's eCPM is below the sample's 5 CPM floor). */
    static Catalog withoutFloor(Path file, long adSpaceId) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
        root.get("adSpaces").forEach(s -> {
            if (s.get("id").asLong() == adSpaceId) {
                ((ObjectNode) s).put("floorCpmMicros", 0);
            }
        });
        return CatalogJson.read(new ByteArrayInputStream(JSON.writeValueAsBytes(root)));
    }

    @AfterAll
    static void stopEngine() {
        engine.close();
    }

    static HttpResponse<String> get(String pathAndQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.publicPort() + pathAndQuery)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.publicPort() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Creative rewarded() {
        return catalog.creatives().stream().filter(c -> c.id() == 1011).findFirst().orElseThrow();
    }

    @Test
    void rewardedVideoShouldBeAVast42AdTheVastClientFindsWhole() throws Exception {
        HttpResponse<String> r = get("/v1/vast?adSpaceId=104&country=IN&os=android&network=wifi");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue(VastWriter.CONTENT_TYPE);
        VastWriterTest.validate(r.body());
        VastClient.Result played = VastClient.run(r.body(), "complete");
        assertThat(played.exitStatus()).as(played.stderr()).isZero();
        JsonNode ad = played.output().get("ads").get(0);
        assertThat(played.output().get("ads")).hasSize(1);
        assertThat(played.output().get("version").asText()).isEqualTo("4.2");
        assertThat(ad.get("id").asText()).isEqualTo("1011");
        assertThat(ad.get("adServingId").asText()).matches("[0-9a-f]{32}");
        assertThat(ad.get("title").asText()).isEqualTo("Play the puzzle");
        String base = config.trackers().baseUrl();
        assertThat(ad.get("impressions").get(0).asText()).startsWith(base + "/v1/events/imp?t=");
        String token = ad.get("impressions").get(0).asText().substring((base + "/v1/events/imp?t=").length());
        assertThat(ad.get("errors").get(0).asText()).isEqualTo(base + "/v1/events/video/error?t=" + token + "&code=[ERRORCODE]");
        JsonNode verification = ad.get("verifications").get(0);
        assertThat(verification.get("vendor").asText()).isEqualTo("iabtechlab.com-omid");
        assertThat(verification.get("resource").asText()).isEqualTo(rewarded().vast().verifications().get(0).javascriptUrl());
        assertThat(verification.get("parameters").asText()).isEqualTo("{\"campaign\":1011}");

        JsonNode linear = ad.get("linear");
        assertThat(linear.get("duration").asDouble()).isEqualTo(30.0);
        assertThat(linear.get("skipDelay").asDouble()).isEqualTo(5.0);
        assertThat(linear.get("universalAdIds").get(0).get("value").asText()).isEqualTo("1011");
        List<String> media = new ArrayList<>();
        linear.get("mediaFiles").forEach(m -> media.add(m.get("url").asText() + " " + m.get("type").asText() + " " + m.get("delivery").asText()
                + " " + m.get("width").asInt() + "x" + m.get("height").asInt() + " " + m.get("bitrate").asInt()));
        assertThat(media).containsExactly("https://cdn.example.com/vid/30s-720p.mp4 video/mp4 progressive 1280x720 1067",
                "https://cdn.example.com/vid/30s-360p.webm video/webm progressive 640x360 500",
                "https://cdn.example.com/vid/30s/master.m3u8 application/x-mpegURL streaming 1280x720 0");
        JsonNode events = linear.get("trackingEvents");
        for (String e : List.of("start", "firstQuartile", "midpoint", "thirdQuartile", "complete", "skip", "close")) {
            assertThat(events.get(e).get(0).asText()).as(e).isEqualTo(base + "/v1/events/video/" + e + "?t=" + token);
        }
        for (VideoAd.EventTracker t : rewarded().vast().trackingEvents()) {
            assertThat(events.get(t.event().vastName()).get(1).asText()).isEqualTo(t.url());
        }
        assertThat(linear.get("clickThrough").asText()).isEqualTo(rewarded().clickUrl());
        String clickTracker = linear.get("clickTracking").get(0).asText();
        assertThat(clickTracker).startsWith(base + "/v1/events/click?t=").isNotEqualTo(base + "/v1/events/click?t=" + token);

        List<String> fired = new ArrayList<>();
        played.output().get("played").forEach(u -> fired.add(u.asText()));
        assertThat(fired).containsExactly(base + "/v1/events/imp?t=" + token,
                base + "/v1/events/video/start?t=" + token, "https://measure.example.net/v?e=start&c=1011",
                base + "/v1/events/video/firstQuartile?t=" + token, base + "/v1/events/video/midpoint?t=" + token,
                base + "/v1/events/video/thirdQuartile?t=" + token, base + "/v1/events/video/complete?t=" + token,
                "https://measure.example.net/v?e=complete&c=1011", clickTracker);
        assertThat(played.output().get("trackerErrors")).isEmpty();
    }

    /** Calls the engine's URLs among those the VAST client fired (third-party ones are not ours to call); returns the statuses. */
    private static List<String> callEngineUrls(JsonNode fired) throws Exception {
        String base = config.trackers().baseUrl();
        List<String> statuses = new ArrayList<>();
        for (JsonNode u : fired) {
            String url = u.asText();
            if (url.startsWith(base)) {
                String path = url.substring(base.length());
                statuses.add(path.substring(0, path.indexOf('?')) + " " + get(path).statusCode());
            }
        }
        return statuses;
    }

    private static JsonNode report() throws Exception {
        engine.events().orElseThrow().drain();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.adminPort()
                + "/v1/admin/reports?creative=1011")).header("Authorization", "Bearer " + config.adminToken()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode rows = JSON.readTree(r.body()).get("rows");
        if (rows.isEmpty()) {
            ObjectNode zero = JSON.createObjectNode();
            for (String c : List.of("impressions", "clicks", "videoStarts", "videoFirstQuartiles", "videoMidpoints", "videoThirdQuartiles",
                    "videoCompletions")) {
                zero.put(c, 0);
            }
            return zero;
        }
        return rows.get(0);
    }

    @Test
    void rewardedVideoPlayedByTheVastClientShouldCountEachEventOnceAndRefuseRepeats() throws Exception {
        JsonNode before = report();
        String document = get("/v1/vast?adSpaceId=104&country=IN&network=wifi").body();
        VastClient.Result played = VastClient.run(document, "complete");
        assertThat(played.exitStatus()).as(played.stderr()).isZero();

        List<String> first = callEngineUrls(played.output().get("played"));
        List<String> again = callEngineUrls(played.output().get("played"));
        JsonNode after = report();

        assertThat(first).containsExactly("/v1/events/imp 204", "/v1/events/video/start 204", "/v1/events/video/firstQuartile 204",
                "/v1/events/video/midpoint 204", "/v1/events/video/thirdQuartile 204", "/v1/events/video/complete 204",
                "/v1/events/click 302");
        assertThat(again).as("repeats are refused (a repeated click still lands)").containsExactly("/v1/events/imp 409",
                "/v1/events/video/start 409", "/v1/events/video/firstQuartile 409", "/v1/events/video/midpoint 409",
                "/v1/events/video/thirdQuartile 409", "/v1/events/video/complete 409", "/v1/events/click 302");
        // The click came at the impression's instant (the test clock stands still), under events.minClickDelayMillis:
        // redirected, not counted (event validity); the playback events have no such rule.
        for (String column : List.of("impressions", "videoStarts", "videoFirstQuartiles", "videoMidpoints", "videoThirdQuartiles",
                "videoCompletions")) {
            assertThat(after.get(column).asLong() - before.get(column).asLong()).as(column).isEqualTo(1);
        }

        // A second view, skipped after the skip offset: one more start, no completion.
        VastClient.Result skipped = VastClient.run(get("/v1/vast?adSpaceId=104&country=IN&network=wifi").body(), "skip");
        assertThat(callEngineUrls(skipped.output().get("played"))).containsExactly("/v1/events/imp 204", "/v1/events/video/start 204",
                "/v1/events/video/skip 204", "/v1/events/video/close 204");
        JsonNode last = report();
        assertThat(last.get("videoStarts").asLong() - before.get("videoStarts").asLong()).isEqualTo(2);
        assertThat(last.get("videoCompletions").asLong() - before.get("videoCompletions").asLong()).isEqualTo(1);
        if (before.get("videoStarts").asLong() == 0) {
            assertThat(last.get("videoCompletionRate").asDouble()).isEqualTo(0.5);
        }
        assertThat(engine.events().orElseThrow().metrics().trackerCount(io.adengine.events.EventType.VIDEO_COMPLETE,
                io.adengine.events.EventMetrics.TrackerOutcome.DUPLICATE)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void forgedVideoTokenShouldBeRefusedAndErrorPingsAcknowledged() throws Exception {
        assertThat(get("/v1/events/video/complete?t=AAAA").statusCode()).isEqualTo(403);
        assertThat(get("/v1/events/video/nonsense?t=AAAA").statusCode()).isEqualTo(404);
        assertThat(get("/v1/events/video/complete").statusCode()).isEqualTo(400);
        assertThat(get("/v1/events/video/error?t=AAAA&code=405").statusCode()).isEqualTo(204);
    }

    @Test
    void postShouldTakeTheAdRequestBodyAndAnswerTheSameKindOfDocument() throws Exception {
        HttpResponse<String> r = post("/v1/vast", "{\"adSpaceId\":104,\"geo\":{\"country\":\"IN\"},\"device\":{\"network\":\"wifi\"}}");

        assertThat(r.statusCode()).isEqualTo(200);
        VastWriterTest.validate(r.body());
        assertThat(r.body()).contains("<AdServingId>").contains("<UniversalAdId idRegistry=\"ad-engine\">1011</UniversalAdId>");
    }

    @Test
    void noFillShouldBeAnEmptyVastDocumentTheClientFindsNoAdIn() throws Exception {
        HttpResponse<String> r = get("/v1/vast?adSpaceId=104&country=ZZ");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(VastWriter.NO_AD);
        VastWriterTest.validate(r.body());
        VastClient.Result played = VastClient.run(r.body(), "complete");
        assertThat(played.output().get("ads")).isEmpty();
        assertThat(played.exitStatus()).isEqualTo(2);
    }

    @Test
    void adSpaceWithoutVastCreativesShouldNotFill() throws Exception {
        // Ad space 101 (feed) fills /v1/ads with image ads, none of them with a VAST section.
        assertThat(post("/v1/ads", "{\"adSpaceId\":101,\"geo\":{\"country\":\"IN\"}}").statusCode()).isEqualTo(200);

        assertThat(get("/v1/vast?adSpaceId=101&country=IN").body()).isEqualTo(VastWriter.NO_AD);
    }

    @Test
    void badInputShouldBeA400NamingTheField() throws Exception {
        HttpResponse<String> noSpace = get("/v1/vast?country=IN");
        HttpResponse<String> badSpace = get("/v1/vast?adSpaceId=abc");
        HttpResponse<String> badLmt = get("/v1/vast?adSpaceId=104&lmt=yes");
        RawHttp.Answer badEscape = RawHttp.send(engine.publicPort(), "GET", "/v1/vast?adSpaceId=104&country=%zz", "", null);
        HttpResponse<String> unknown = get("/v1/vast?adSpaceId=999999");
        HttpResponse<String> wrongMethod = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.publicPort() + "/v1/vast"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(noSpace.statusCode()).isEqualTo(400);
        assertThat(noSpace.body()).contains("\"field\":\"adSpaceId\"");
        assertThat(badSpace.statusCode()).isEqualTo(400);
        assertThat(badSpace.body()).contains("\"field\":\"adSpaceId\"");
        assertThat(badLmt.statusCode()).isEqualTo(400);
        assertThat(badLmt.body()).contains("\"field\":\"device.lmt\"");
        assertThat(badEscape.status()).isEqualTo(400);
        assertThat(badEscape.body()).contains("\"field\":\"country\"");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("unknown_ad_space");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
    }
}
