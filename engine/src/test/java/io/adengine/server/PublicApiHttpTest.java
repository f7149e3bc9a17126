package io.adengine.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adengine.config.EngineConfig;
import io.adengine.events.TrackerSigner;
import io.adengine.match.BudgetGate;
import io.adengine.model.Catalog;
import io.adengine.catalog.CatalogJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The public and admin ports of a real engine on ephemeral ports, serving the bundled sample catalog
 * with a pinned clock and pinned rotation seeds: the golden answer for the sample request, 204, every
 * error case, and a failing handler that must neither leak a stack trace nor kill the event loop.
 */
class PublicApiHttpTest {

    private static final Path CONFIG_DIR = Path.of("..", "config");
    /** Saturday 2026-11-28 10:00 UTC: inside the sample flights, outside group 201's evening hours. */
    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicBoolean FAIL_BUDGET = new AtomicBoolean();

    private static Engine engine;
    private static EngineConfig config;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startEngine() throws Exception {
        Catalog catalog = CatalogJson.read(CONFIG_DIR.resolve("sample-catalog.json"));
        config = EngineConfig.defaults(CONFIG_DIR.resolve("sample-catalog.json")).withMaxBodyBytes(1024);
        BudgetGate gate = (snapshot, ordinal) -> {
            if (FAIL_BUDGET.get()) {
                throw new IllegalStateException("injected failure");
            }
            return true;
        };
        engine = Engine.start(config, catalog, () -> NOW, () -> 42L, gate);
    }

    @AfterAll
    static void stopEngine() {
        engine.close();
    }

    @Test
    void sampleRequestShouldAnswerTheGoldenJson() throws Exception {
        HttpResponse<String> response = post("/v1/ads", Files.readString(CONFIG_DIR.resolve("sample-request.json")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode body = JSON.readTree(response.body());
        TrackerSigner signer = new TrackerSigner(config.trackers().hmacKey());
        for (JsonNode ad : body.get("ads")) {
            String impressionId = ad.get("impressionId").asText();
            assertThat(impressionId).matches("[0-9a-f]{32}");
            String tracker = ad.get("impressionTrackers").get(0).asText();
            TrackerSigner.Claims claims = signer.verify(tracker.substring(tracker.indexOf("t=") + 2));
            assertThat(claims).isNotNull();
            assertThat(claims.impressionId()).isEqualTo(impressionId);
            assertThat(claims.adGroupId()).isEqualTo(ad.get("adGroupId").asLong());
            assertThat(claims.chargeMicros()).isEqualTo(ad.get("price").get("chargeMicros").asLong());
            assertThat(claims.expiresEpochSeconds()).isEqualTo(NOW / 1000 + config.trackers().ttlSeconds());
        }
        JsonNode golden = JSON.readTree(getClass().getResourceAsStream("/golden/sample-request.response.json"));
        assertThat(normalized(body)).isEqualTo(golden);
    }

    /** Impression ids and tokens are random per answer; the golden file holds placeholders for them. */
    private static JsonNode normalized(JsonNode body) {
        JsonNode copy = body.deepCopy();
        for (JsonNode ad : copy.get("ads")) {
            ObjectNode o = (ObjectNode) ad;
            o.put("impressionId", "<impression-id>");
            o.put("clickTracker", o.get("clickTracker").asText().replaceAll("t=.*", "t=<token>"));
            com.fasterxml.jackson.databind.node.ArrayNode trackers = (com.fasterxml.jackson.databind.node.ArrayNode) o.get("impressionTrackers");
            for (int i = 0; i < trackers.size(); i++) {
                trackers.set(i, JSON.getNodeFactory().textNode(trackers.get(i).asText().replaceAll("t=.*", "t=<token>")));
            }
        }
        return copy;
    }

    @Test
    void requestNothingMatchesShouldAnswer204() throws Exception {
        HttpResponse<String> response = post("/v1/ads", "{\"adSpaceId\":101,\"geo\":{\"country\":\"ZZ\"}}");

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void explainFlagOnThePublicPortShouldBeIgnoredAndServeNormally() throws Exception {
        String asked = "{\"adSpaceId\":101,\"geo\":{\"country\":\"IN\"},\"device\":{\"language\":\"en\"},\"explain\":true,\"explainAdGroupId\":100}";
        String plain = "{\"adSpaceId\":101,\"geo\":{\"country\":\"IN\"},\"device\":{\"language\":\"en\"}}";

        HttpResponse<String> withFlag = post("/v1/ads", asked);
        HttpResponse<String> without = post("/v1/ads", plain);

        assertThat(withFlag.statusCode()).isEqualTo(without.statusCode());
        if (withFlag.statusCode() == 200) {
            JsonNode body = JSON.readTree(withFlag.body());
            assertThat(body.has("explain")).as("no explain on the public port").isFalse();
            assertThat(body.get("ads").size()).isEqualTo(JSON.readTree(without.body()).get("ads").size());
        }
        // Nothing fills for ZZ: with explain honoured this was 200 with the catalog's stage counts.
        HttpResponse<String> nothing = post("/v1/ads", "{\"adSpaceId\":101,\"geo\":{\"country\":\"ZZ\"},\"explain\":true,\"explainAdGroupId\":100}");
        assertThat(nothing.statusCode()).isEqualTo(204);
        assertThat(nothing.body()).doesNotContain("explain").doesNotContain("totalAdGroups");
    }

    @Test
    void adminExplainShouldStillAnswerWhyAGroupDidNotServe() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(adminUri("/v1/admin/explain"))
                .header("Authorization", "Bearer " + config.adminToken())
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"adSpaceId\":101,\"geo\":{\"country\":\"IN\"},\"device\":{\"language\":\"en\"},\"explainAdGroupId\":100}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode explain = JSON.readTree(response.body()).get("explain");
        assertThat(explain.get("totalAdGroups").asInt()).isEqualTo(8);
        assertThat(explain.get("adGroup").get("reason").asText()).isEqualTo("OS_VERSION");
        assertThat(explain.get("removedByStage").get("STATIC_ELIGIBILITY").asInt()).isEqualTo(2);
    }

    @Test
    void malformedJsonShouldAnswer400() throws Exception {
        assertError(post("/v1/ads", "{\"adSpaceId\": 101,"), 400, "malformed_json", null);
        assertError(post("/v1/ads", "[1,2]"), 400, "malformed_json", null);
        assertError(post("/v1/ads", ""), 400, "malformed_json", null);
        assertError(post("/v1/ads", "{} trailing"), 400, "malformed_json", null);
    }

    @Test
    void wrongTypesShouldAnswer400NamingTheField() throws Exception {
        assertError(post("/v1/ads", "{\"adSpaceId\":\"101\"}"), 400, "invalid_field", "adSpaceId");
        assertError(post("/v1/ads", "{\"adSpaceId\":101,\"count\":\"2\"}"), 400, "invalid_field", "count");
        assertError(post("/v1/ads", "{\"adSpaceId\":101,\"device\":[]}"), 400, "invalid_field", "device");
        assertError(post("/v1/ads", "{\"adSpaceId\":101,\"device\":{\"osVersion\":\"thirteen\"}}"), 400, "invalid_field", "device.osVersion");
        assertError(post("/v1/ads", "{\"adSpaceId\":101,\"geo\":{\"country\":7}}"), 400, "invalid_field", "geo.country");
        assertError(post("/v1/ads", "{\"adSpaceId\":101,\"explain\":\"yes\"}"), 400, "invalid_field", "explain");
    }

    @Test
    void missingAdSpaceShouldAnswer400() throws Exception {
        assertError(post("/v1/ads", "{\"count\":1}"), 400, "missing_field", "adSpaceId");
    }

    @Test
    void unknownAdSpaceShouldAnswer400() throws Exception {
        assertError(post("/v1/ads", "{\"adSpaceId\":999999}"), 400, "unknown_ad_space", "adSpaceId");
    }

    @Test
    void countOutsideOneToTenShouldAnswer400() throws Exception {
        assertError(post("/v1/ads", "{\"adSpaceId\":101,\"count\":0}"), 400, "invalid_field", "count");
        assertError(post("/v1/ads", "{\"adSpaceId\":101,\"count\":11}"), 400, "invalid_field", "count");
        assertThat(post("/v1/ads", "{\"adSpaceId\":101,\"count\":10,\"geo\":{\"country\":\"IN\"}}").statusCode()).isEqualTo(200);
    }

    @Test
    void bodyOverTheLimitShouldAnswer413NamingTheLimit() throws Exception {
        String big = "{\"adSpaceId\":101,\"pad\":\"" + "x".repeat(2000) + "\"}";
        HttpResponse<String> response = post("/v1/ads", big);

        assertError(response, 413, "body_too_large", null);
        assertThat(response.body()).contains("1024 bytes");
    }

    @Test
    void wrongMethodShouldAnswer405WithAllow() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri("/v1/ads")).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertError(response, 405, "method_not_allowed", null);
        assertThat(response.headers().firstValue("allow")).hasValue("POST");
    }

    @Test
    void unknownPathShouldAnswer404() throws Exception {
        assertError(post("/v2/nothing", "{}"), 404, "not_found", null);
    }

    @Test
    void healthShouldReportTheCatalog() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri("/health")).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("adGroups").asInt()).isEqualTo(8);
    }

    @Test
    void keepAliveConnectionShouldServeManyRequests() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", engine.publicPort())) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            String body = "{\"adSpaceId\":101,\"geo\":{\"country\":\"ZZ\"}}";
            String request = "POST /v1/ads HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
            for (int i = 0; i < 3; i++) {
                out.write(request.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(readHead(in)).startsWith("HTTP/1.1 204");
            }
        }
    }

    @Test
    void handlerFailureShouldAnswer500WithoutStackTraceAndKeepServing() throws Exception {
        FAIL_BUDGET.set(true);
        HttpResponse<String> failed;
        try {
            failed = post("/v1/ads", Files.readString(CONFIG_DIR.resolve("sample-request.json")));
        } finally {
            FAIL_BUDGET.set(false);
        }
        assertError(failed, 500, "internal_error", null);
        assertThat(failed.body()).doesNotContain("Exception").doesNotContain("at io.");

        // One event-loop thread serves the port: if the failure had killed it, this would hang or fail.
        assertThat(post("/v1/ads", Files.readString(CONFIG_DIR.resolve("sample-request.json"))).statusCode()).isEqualTo(200);
    }

    @Test
    void adminShouldRequireTheBearerToken() throws Exception {
        HttpResponse<String> none = HTTP.send(HttpRequest.newBuilder(adminUri("/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> wrong = HTTP.send(HttpRequest.newBuilder(adminUri("/metrics")).header("Authorization", "Bearer nope").GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertError(none, 401, "unauthorized", null);
        assertError(wrong, 403, "forbidden", null);
    }

    @Test
    void metricsShouldCountRequestsAndLatency() throws Exception {
        post("/v1/ads", Files.readString(CONFIG_DIR.resolve("sample-request.json")));
        HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(adminUri("/metrics"))
                .header("Authorization", "Bearer " + config.adminToken()).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("adengine_ad_requests_total{outcome=\"filled\"}")
                .contains("adengine_ad_request_latency_seconds_bucket{le=\"+Inf\"}")
                .contains("adengine_ad_groups 8");
        assertThat(metrics.body()).doesNotContain("adengine_ad_requests_total{outcome=\"filled\"} 0.0");
    }

    @Test
    void adminExplainShouldNameTheFirstReason() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(adminUri("/v1/admin/explain"))
                .header("Authorization", "Bearer " + config.adminToken())
                .POST(HttpRequest.BodyPublishers.ofString("{\"adSpaceId\":101,\"geo\":{\"country\":\"IN\"},\"explainAdGroupId\":211}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("explain").get("adGroup").get("reason").asText()).isEqualTo("AD_GROUP_NOT_APPROVED");
    }

    private static void assertError(HttpResponse<String> response, int status, String code, String field) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).isNotBlank();
        if (field == null) {
            assertThat(error.get("field").isNull()).isTrue();
        } else {
            assertThat(error.get("field").asText()).isEqualTo(field);
        }
    }

    private static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + engine.publicPort() + path);
    }

    private static URI adminUri(String path) {
        return URI.create("http://127.0.0.1:" + engine.adminPort() + path);
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
