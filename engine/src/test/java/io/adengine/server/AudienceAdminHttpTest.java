package io.adengine.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adengine.config.EngineConfig;
import io.adengine.model.Catalog;
import io.adengine.catalog.CatalogJson;
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
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audience admin routes on a real engine: upload, serving with the audience, reach, rejection
 * messages, and a restart onto the same store without re-import.
 */
class AudienceAdminHttpTest {

    private static final Path CONFIG_DIR = Path.of("..", "config");
    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String SAMPLE_GAID = "38400000-8cf0-11bd-b23e-10b96e40000d";

    @TempDir
    Path dir;

    /** The sample catalog with group 100 restricted to audience 7. */
    private Catalog catalog() throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(CONFIG_DIR.resolve("sample-catalog.json").toFile());
        ObjectNode group = (ObjectNode) root.get("adGroups").get(0);
        ((ObjectNode) group.get("targeting")).putObject("audiences").putArray("include").add(7);
        Path file = dir.resolve("catalog.json");
        JSON.writeValue(file.toFile(), root);
        return CatalogJson.read(file);
    }

    private static List<String> gaids(int n) {
        Random r = new Random(11);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(String.format("%08x-%04x-%04x-%04x-%012x", r.nextInt(), r.nextInt(0x10000), r.nextInt(0x10000),
                    r.nextInt(0x10000), r.nextLong() & 0xFFFFFFFFFFFFL));
        }
        return out;
    }

    private static HttpResponse<String> admin(Engine engine, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.adminPort() + path))
                .header("Authorization", "Bearer test-admin-token")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode explainGroup100(Engine engine) throws Exception {
        ObjectNode request = (ObjectNode) JSON.readTree(CONFIG_DIR.resolve("sample-request.json").toFile());
        request.put("explainAdGroupId", 100);
        HttpResponse<String> r = admin(engine, "/v1/admin/explain", JSON.writeValueAsString(request));
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body()).path("explain").path("adGroup");
    }

    @Test
    void engineShouldServeAnUploadedAudienceAndKeepItAfterRestartWhenTheStoreIsConfigured() throws Exception {
        EngineConfig config = EngineConfig.defaults(CONFIG_DIR.resolve("sample-catalog.json"))
                .withAudiences(EngineConfig.AudienceConfig.at(dir.resolve("store"), 100_000));
        Catalog catalog = catalog();
        List<String> people = gaids(1_499);
        people.add(SAMPLE_GAID.toUpperCase());
        try (Engine engine = Engine.start(config, catalog, () -> NOW, () -> 42L, (s, o) -> true)) {
            assertThat(explainGroup100(engine).path("reason").asText()).isEqualTo("USER");

            HttpResponse<String> upload = admin(engine, "/v1/admin/audiences/7?type=gaid", String.join("\r\n", people) + "\r\n\r\n");
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(200);
            JsonNode report = JSON.readTree(upload.body());
            assertThat(report.path("users").asLong()).isEqualTo(1_500);
            assertThat(report.path("invalid").asLong()).isZero();

            assertThat(explainGroup100(engine).path("reason").asText()).isNotEqualTo("USER");

            HttpResponse<String> reach = admin(engine, "/v1/admin/audiences/reach", "{\"includeAudiences\":[7],\"excludeAudiences\":[]}");
            assertThat(reach.statusCode()).as(reach.body()).isEqualTo(200);
            JsonNode estimate = JSON.readTree(reach.body());
            assertThat(estimate.path("users").asLong()).isEqualTo(1_500);
            assertThat(estimate.path("maxDailyUsers").asLong()).isEqualTo(1_500L * 30 / 100);
            assertThat(estimate.path("maxDailyImpressions").asLong()).isEqualTo(1_500L * 30 / 100 * 20);
        }
        try (Engine restarted = Engine.start(config, catalog, () -> NOW, () -> 42L, (s, o) -> true)) {
            assertThat(explainGroup100(restarted).path("reason").asText()).isNotEqualTo("USER");
            JsonNode estimate = JSON.readTree(admin(restarted, "/v1/admin/audiences/reach", "{\"includeAudiences\":[7]}").body());
            assertThat(estimate.path("users").asLong()).isEqualTo(1_500);
        }
        assertThat(Files.readAllBytes(dir.resolve("store").resolve("audiences").resolve("7.roaring")).length).isPositive();
    }

    private static JsonNode explainGroup100(Engine engine, String gaid) throws Exception {
        ObjectNode request = (ObjectNode) JSON.readTree(CONFIG_DIR.resolve("sample-request.json").toFile());
        request.put("explainAdGroupId", 100);
        request.put("gaid", gaid);
        HttpResponse<String> r = admin(engine, "/v1/admin/explain", JSON.writeValueAsString(request));
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body()).path("explain").path("adGroup");
    }

    private static String md5Hex(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void upperCaseHashedMd5AudienceShouldReachItsUsersAndReportThemMatchedWhenTheProfileFeedNamedThemRaw() throws Exception {
        List<String> people = gaids(1_200);
        Path store = dir.resolve("store");
        Files.createDirectories(store);
        StringBuilder feed = new StringBuilder();
        for (String g : people) {
            feed.append("profile,").append(g).append(",U,\n");
        }
        Files.writeString(store.resolve("profiles.csv"), feed);
        EngineConfig config = EngineConfig.defaults(CONFIG_DIR.resolve("sample-catalog.json"))
                .withAudiences(EngineConfig.AudienceConfig.at(store, 100_000));
        List<String> upper = new ArrayList<>();
        for (String g : people.subList(0, 1_000)) {
            upper.add(md5Hex(g.toUpperCase(java.util.Locale.ROOT)));
        }
        try (Engine engine = Engine.start(config, catalog(), () -> NOW, () -> 42L, (s, o) -> true)) {
            HttpResponse<String> upload = admin(engine, "/v1/admin/audiences/7?type=md5", String.join("\n", upper));
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(200);
            JsonNode report = JSON.readTree(upload.body());
            assertThat(report.path("matched").asLong()).isEqualTo(1_000);
            assertThat(report.path("new").asLong()).isZero();
            assertThat(report.path("matchedPercent").asDouble()).isEqualTo(100.0);

            String member = people.get(3);
            assertThat(explainGroup100(engine, member).path("reason").asText()).isNotEqualTo("USER");
            assertThat(explainGroup100(engine, member.toUpperCase(java.util.Locale.ROOT)).path("reason").asText()).isNotEqualTo("USER");
            assertThat(explainGroup100(engine, people.get(1_100)).path("reason").asText()).isEqualTo("USER");

            // A wrongly hashed file (MD5 of the GAID without dashes) shows 0 % matched.
            List<String> wrong = new ArrayList<>();
            for (String g : people.subList(0, 1_000)) {
                wrong.add(md5Hex(g.replace("-", "")));
            }
            JsonNode bad = JSON.readTree(admin(engine, "/v1/admin/audiences/8?type=md5", String.join("\n", wrong)).body());
            assertThat(bad.path("matchedPercent").asDouble()).isZero();
            assertThat(bad.path("new").asLong()).isEqualTo(1_000);
        }
        try (Engine restarted = Engine.start(config, catalog(), () -> NOW, () -> 42L, (s, o) -> true)) {
            assertThat(explainGroup100(restarted, people.get(3).toUpperCase(java.util.Locale.ROOT)).path("reason").asText()).isNotEqualTo("USER");
            HttpResponse<String> list = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restarted.adminPort() + "/v1/admin/audiences"))
                    .header("Authorization", "Bearer test-admin-token").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
            JsonNode audiences = JSON.readTree(list.body()).path("audiences");
            assertThat(audiences.get(0).path("audienceId").asLong()).isEqualTo(7);
            assertThat(audiences.get(0).path("matched").asLong()).isEqualTo(1_000);
            assertThat(audiences.get(1).path("matchedPercent").asDouble()).isZero();
        }
    }

    private static int ad(Engine engine, String gaid) throws Exception {
        ObjectNode request = (ObjectNode) JSON.readTree(CONFIG_DIR.resolve("sample-request.json").toFile());
        request.put("gaid", gaid);
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.publicPort() + "/v1/ads"))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request))).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void reachShouldEstimateFromServedRequestsWhenEnoughKnownUsersWereObserved() throws Exception {
        EngineConfig config = EngineConfig.defaults(CONFIG_DIR.resolve("sample-catalog.json"))
                .withAudiences(new EngineConfig.AudienceConfig(dir.resolve("store"), 100_000, 30, 20, 5));
        List<String> all = gaids(2_500);
        List<String> seven = all.subList(0, 1_500);
        List<String> eight = all.subList(1_500, 2_500);
        try (Engine engine = Engine.start(config, catalog(), () -> NOW, () -> 42L, (s, o) -> true)) {
            assertThat(admin(engine, "/v1/admin/audiences/7?type=gaid", String.join("\n", seven)).statusCode()).isEqualTo(200);
            assertThat(admin(engine, "/v1/admin/audiences/8?type=gaid", String.join("\n", eight)).statusCode()).isEqualTo(200);
            // Three members of audience 7 twice each, one user of audience 8 only, one unknown GAID.
            for (String gaid : List.of(seven.get(0), seven.get(1), seven.get(2), seven.get(0), seven.get(1), seven.get(2),
                    eight.get(0), "ffffffff-0000-4000-8000-000000000001")) {
                assertThat(ad(engine, gaid)).isIn(200, 204);
            }
            JsonNode tooFew = JSON.readTree(admin(engine, "/v1/admin/audiences/reach", "{\"includeAudiences\":[7]}").body());
            assertThat(tooFew.path("basis").asText()).isEqualTo("PRIOR");

            assertThat(ad(engine, eight.get(1))).isIn(200, 204);
            JsonNode estimate = JSON.readTree(admin(engine, "/v1/admin/audiences/reach", "{\"includeAudiences\":[7]}").body());

            // Active known users A = 5 (3 of audience 7, 2 of audience 8), R = 8 known requests, S ∩ A = 3; the
            // clock stands still, so the window is its one-minute floor and the rate scales by 1,440.
            assertThat(estimate.path("basis").asText()).as(estimate.toString()).isEqualTo("OBSERVED_PARTIAL_DAY");
            assertThat(estimate.path("users").asLong()).isEqualTo(1_500);
            assertThat(estimate.path("observedUsers").asLong()).isEqualTo(5);
            assertThat(estimate.path("observedRequests").asLong()).isEqualTo(8);
            assertThat(estimate.path("maxDailyUsers").asLong()).isEqualTo(3);
            assertThat(estimate.path("maxDailyImpressions").asLong()).isEqualTo(Math.round(3 * 8.0 / 5 * 1_440));

            JsonNode elsewhere = JSON.readTree(admin(engine, "/v1/admin/audiences/reach",
                    "{\"includeAudiences\":[7],\"adSpaceIds\":[999]}").body());
            assertThat(elsewhere.path("maxDailyImpressions").asLong()).isZero();
            HttpResponse<String> bad = admin(engine, "/v1/admin/audiences/reach", "{\"adSpaceIds\":[\"x\"]}");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(bad.body()).path("error").path("field").asText()).isEqualTo("adSpaceIds");
        }
    }

    @Test
    void uploadShouldAnswer400WithTheReasonWhenTheFileIsRejected() throws Exception {
        EngineConfig config = EngineConfig.defaults(CONFIG_DIR.resolve("sample-catalog.json"))
                .withAudiences(EngineConfig.AudienceConfig.at(dir.resolve("store"), 100_000));
        try (Engine engine = Engine.start(config, catalog(), () -> NOW, () -> 42L, (s, o) -> true)) {
            HttpResponse<String> small = admin(engine, "/v1/admin/audiences/7?type=gaid", String.join("\n", gaids(10)));
            assertThat(small.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(small.body()).path("error").path("message").asText())
                    .isEqualTo("the file has 10 distinct valid entries; an audience needs at least 1000");

            HttpResponse<String> type = admin(engine, "/v1/admin/audiences/7?type=csv", "x");
            assertThat(type.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(type.body()).path("error").path("field").asText()).isEqualTo("type");

            HttpResponse<String> binary = admin(engine, "/v1/admin/audiences/8?type=md5", "\u0001\u0002garbage");
            assertThat(binary.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(binary.body()).path("error").path("message").asText()).startsWith("the file is not text");

            HttpResponse<String> badReach = admin(engine, "/v1/admin/audiences/reach", "{\"installState\":\"SOMETIMES\",\"app\":\"x\"}");
            assertThat(badReach.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(badReach.body()).path("error").path("message").asText())
                    .isEqualTo("installState: unknown value \"SOMETIMES\"");

            HttpResponse<String> noToken = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + engine.adminPort() + "/v1/admin/audiences/7?type=gaid"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(noToken.statusCode()).isEqualTo(401);
            assertThat(Files.exists(dir.resolve("store").resolve("audiences").resolve("7.roaring"))).isFalse();

            // The rest of the admin API still answers behind the audience handler.
            assertThat(explainGroup100(engine).path("reason").asText()).isEqualTo("USER");
        }
    }
}
