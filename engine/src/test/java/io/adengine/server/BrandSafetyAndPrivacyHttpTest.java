package io.adengine.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adengine.catalog.CatalogJson;
import io.adengine.config.EngineConfig;
import io.adengine.model.Catalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Through the documented API of a real engine: a blocked advertiser domain never serves on the ad space
 * that blocks it (and explain says BLOCKED); a COPPA request never gets an audience-targeted ad and leaves
 * no trace in observed reach, while the same request without the flag does.
 */
class BrandSafetyAndPrivacyHttpTest {

    private static final Path CONFIG_DIR = Path.of("..", "config");
    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String SAMPLE_GAID = "38400000-8cf0-11bd-b23e-10b96e40000d";

    @TempDir
    Path dir;

    /** The sample catalog, edited: campaign 10 declares puzzle.example; the edit runs on the JSON document. */
    private Catalog catalog(Consumer<ObjectNode> edit) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(CONFIG_DIR.resolve("sample-catalog.json").toFile());
        ((ObjectNode) find(root, "campaigns", 10)).put("advertiserDomain", "puzzle.example");
        edit.accept(root);
        Path file = dir.resolve("catalog-" + System.nanoTime() + ".json");
        JSON.writeValue(file.toFile(), root);
        return CatalogJson.read(file);
    }

    private static JsonNode find(ObjectNode root, String list, long id) {
        for (JsonNode n : root.get(list)) {
            if (n.get("id").asLong() == id) {
                return n;
            }
        }
        throw new AssertionError(list + " " + id);
    }

    private static Set<Long> servedGroups(Engine engine, Consumer<ObjectNode> request, int tries) throws Exception {
        Set<Long> groups = new HashSet<>();
        for (int i = 0; i < tries; i++) {
            ObjectNode body = (ObjectNode) JSON.readTree(CONFIG_DIR.resolve("sample-request.json").toFile());
            body.put("count", 3);
            request.accept(body);
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.publicPort() + "/v1/ads"))
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isIn(200, 204);
            if (r.statusCode() == 200) {
                JSON.readTree(r.body()).get("ads").forEach(ad -> groups.add(ad.get("adGroupId").asLong()));
            }
        }
        return groups;
    }

    private static HttpResponse<String> admin(Engine engine, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.adminPort() + path))
                .header("Authorization", "Bearer test-admin-token").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBlockedAdvertiserDomainShouldNeverServeOnTheAdSpaceThatBlocksIt() throws Exception {
        EngineConfig config = EngineConfig.defaults(CONFIG_DIR.resolve("sample-catalog.json"));
        AtomicLong seeds = new AtomicLong();
        try (Engine open = Engine.start(config, catalog(root -> { }), () -> NOW, seeds::incrementAndGet, (s, o) -> true)) {
            assertThat(servedGroups(open, r -> { }, 30)).as("control: campaign 10's group serves without the block").contains(100L);
        }
        Catalog blocked = catalog(root -> ((ObjectNode) find(root, "adSpaces", 101)).putArray("blockedDomains").add("PUZZLE.example"));
        try (Engine engine = Engine.start(config, blocked, () -> NOW, seeds::incrementAndGet, (s, o) -> true)) {
            Set<Long> served = servedGroups(engine, r -> { }, 60);
            assertThat(served).isNotEmpty().doesNotContain(100L, 101L);
            ObjectNode explain = (ObjectNode) JSON.readTree(CONFIG_DIR.resolve("sample-request.json").toFile());
            explain.put("explainAdGroupId", 100);
            JsonNode answer = JSON.readTree(admin(engine, "/v1/admin/explain", JSON.writeValueAsString(explain)).body());
            assertThat(answer.path("explain").path("adGroup").path("reason").asText()).isEqualTo("BLOCKED");
            assertThat(answer.path("explain").path("removedByStage").path("BLOCKED").asLong()).isPositive();
        }
    }

    @Test
    void aCoppaRequestShouldGetNoAudienceTargetedAdAndLeaveNoTraceInReach() throws Exception {
        EngineConfig config = EngineConfig.defaults(CONFIG_DIR.resolve("sample-catalog.json"))
                .withAudiences(EngineConfig.AudienceConfig.at(dir.resolve("store"), 100_000));
        // Group 100 reaches audience 7 only, and the sample request's user is in it.
        Catalog catalog = catalog(root -> ((ObjectNode) find(root, "adGroups", 100).get("targeting"))
                .putObject("audiences").putArray("include").add(7));
        AtomicLong seeds = new AtomicLong();
        try (Engine engine = Engine.start(config, catalog, () -> NOW, seeds::incrementAndGet, (s, o) -> true)) {
            List<String> members = new ArrayList<>();
            Random r = new Random(3);
            for (int i = 0; i < 1_499; i++) {
                members.add(String.format("%08x-0000-4000-8000-%012x", r.nextInt(), r.nextLong() & 0xFFFFFFFFFFFFL));
            }
            members.add(SAMPLE_GAID);
            assertThat(admin(engine, "/v1/admin/audiences/7?type=gaid", String.join("\n", members)).statusCode()).isEqualTo(200);
            var traffic = engine.audiences().orElseThrow().traffic();

            assertThat(servedGroups(engine, b -> b.putObject("regs").put("coppa", 1), 40)).isNotEmpty().doesNotContain(100L);
            assertThat(servedGroups(engine, b -> b.putObject("device").put("lmt", 1), 20)).doesNotContain(100L);
            assertThat(traffic.window(NOW)).as("nothing observed for reach from COPPA or LMT requests: no user, no request").isNull();

            assertThat(servedGroups(engine, b -> { }, 40)).as("control: the same user without COPPA").contains(100L);
            assertThat(traffic.window(NOW).active().getCardinality()).isEqualTo(1);
        }
    }
}
