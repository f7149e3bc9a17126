package io.adengine.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adengine.config.EngineConfig;
import io.adengine.match.BudgetGate;
import io.adengine.catalog.CatalogJson;
import io.adengine.server.Engine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The catalog admin API of a real engine (ephemeral ports, a fresh data folder per test, the sample
 * catalog as seed): authentication, versioning, cascades, the operation log, and eligibility changes
 * that an ad request on the public port must reflect.
 */
class CatalogAdminHttpTest {

    static final Path CONFIG_DIR = Path.of("..", "config");
    /** Saturday 2026-11-28 10:00 UTC: inside the sample flights. */
    static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;
    Engine engine;
    EngineConfig config;

    @BeforeEach
    void startEngine() throws Exception {
        config = EngineConfig.defaults(CONFIG_DIR.resolve("sample-catalog.json"));
        config = config.withSync(new EngineConfig.SyncConfig(dataDir, CONFIG_DIR, 10, 1_000, 4));
        engine = Engine.start(config, CatalogJson.read(config.catalogPath()), () -> NOW, () -> 42L, BudgetGate.UNLIMITED);
    }

    @AfterEach
    void stopEngine() {
        engine.close();
    }

    HttpResponse<String> admin(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.adminPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return admin(method, path, body, config.adminToken());
    }

    ObjectNode object(String kind, long id) throws Exception {
        HttpResponse<String> r = admin("GET", "/v1/admin/catalog/" + kind + "/" + id, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return (ObjectNode) JSON.readTree(r.body());
    }

    HttpResponse<String> put(String kind, ObjectNode value) throws Exception {
        return admin("PUT", "/v1/admin/catalog/" + kind + "/" + value.get("id").asLong(), value.toString());
    }

    /** The ad groups that serve the sample request on the public port. */
    Set<Long> served() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.publicPort() + "/v1/ads"))
                .POST(HttpRequest.BodyPublishers.ofString(Files.readString(CONFIG_DIR.resolve("sample-request.json")))).build(),
                HttpResponse.BodyHandlers.ofString());
        Set<Long> groups = new TreeSet<>();
        if (r.statusCode() == 200) {
            JSON.readTree(r.body()).get("ads").forEach(ad -> groups.add(ad.get("adGroupId").asLong()));
        }
        return groups;
    }

    /** Polls the public port (bounded: 10 s) until the served set satisfies the condition. */
    Set<Long> servedOnceItSatisfies(Predicate<Set<Long>> condition) throws Exception {
        Set<Long> last = served();
        for (int i = 0; i < 500 && !condition.test(last); i++) {
            Thread.sleep(20);
            last = served();
        }
        return last;
    }

    @Test
    void catalogRoutesShouldAnswer401WithoutTokenAnd403WithAWrongOne() throws Exception {
        assertThat(admin("GET", "/v1/admin/catalog/accounts/1", null, null).statusCode()).isEqualTo(401);
        assertThat(admin("PUT", "/v1/admin/catalog/accounts/1", "{}", "wrong-token").statusCode()).isEqualTo(403);
        assertThat(admin("DELETE", "/v1/admin/catalog/campaigns/10", null, "wrong-token").statusCode()).isEqualTo(403);
        assertThat(admin("POST", "/v1/admin/catalog/batch", "{}", null).statusCode()).isEqualTo(401);
        assertThat(object("campaigns", 10).get("enabled").asBoolean()).isTrue();
    }

    @Test
    void putShouldRefuseStaleVersionsAndTreatTheSameVersionAsANoOp() throws Exception {
        ObjectNode campaign = object("campaigns", 10);
        campaign.put("version", 3).put("name", "v3");
        assertThat(put("campaigns", campaign).statusCode()).isEqualTo(200);

        HttpResponse<String> duplicate = put("campaigns", campaign);
        assertThat(duplicate.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(duplicate.body()).get("status").asText()).isEqualTo("unchanged");

        ObjectNode older = campaign.deepCopy().put("version", 2).put("name", "v2 arriving late");
        HttpResponse<String> stale = put("campaigns", older);
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(stale.body()).contains("version 2 is older than the current version 3");

        ObjectNode sameVersionOtherContent = campaign.deepCopy().put("name", "different");
        assertThat(put("campaigns", sameVersionOtherContent).statusCode()).isEqualTo(409);
        assertThat(object("campaigns", 10).get("name").asText()).isEqualTo("v3");
        assertThat(engine.sync().orElseThrow().store().operations().query("campaigns", 10, "UPDATE", Long.MIN_VALUE, Long.MAX_VALUE, 10)).hasSize(1);
    }

    @Test
    void deleteShouldCascadeToAdGroupsAndCreativesAndRefuseOlderRecreation() throws Exception {
        assertThat(object("ad-groups", 100).get("campaignId").asLong()).isEqualTo(10);
        HttpResponse<String> r = admin("DELETE", "/v1/admin/catalog/campaigns/10?version=5", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

        assertThat(admin("GET", "/v1/admin/catalog/campaigns/10", null).statusCode()).isEqualTo(404);
        assertThat(admin("GET", "/v1/admin/catalog/ad-groups/100", null).statusCode()).isEqualTo(404);
        assertThat(admin("GET", "/v1/admin/catalog/ad-groups/101", null).statusCode()).isEqualTo(404);
        assertThat(admin("GET", "/v1/admin/catalog/creatives/1000", null).statusCode()).isEqualTo(404);
        assertThat(object("campaigns", 11).get("accountId").asLong()).isEqualTo(1);
        assertThat(admin("DELETE", "/v1/admin/catalog/campaigns/10?version=5", null).statusCode()).as("retried delete").isEqualTo(200);

        ObjectNode late = JSON.createObjectNode().put("id", 10).put("version", 4).put("accountId", 1).put("name", "late");
        HttpResponse<String> stale = put("campaigns", late);
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(stale.body()).contains("deleted at version 5");
        JsonNode ops = JSON.readTree(admin("GET", "/v1/admin/catalog/operations?operation=DELETE", null).body()).get("operations");
        assertThat(ops).extracting(o -> o.get("kind").asText() + "/" + o.get("id").asLong())
                .contains("campaigns/10", "ad-groups/100", "ad-groups/101", "creatives/1000");
    }

    @Test
    void accountDeleteShouldCascadeDownToCreatives() throws Exception {
        assertThat(admin("DELETE", "/v1/admin/catalog/accounts/1", null).statusCode()).isEqualTo(200);

        for (String path : new String[] {"accounts/1", "campaigns/10", "campaigns/11", "ad-groups/102", "creatives/1020"}) {
            assertThat(admin("GET", "/v1/admin/catalog/" + path, null).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(admin("DELETE", "/v1/admin/catalog/accounts/999", null).statusCode()).isEqualTo(404);
    }

    @Test
    void batchShouldApplyNothingWhenOneChangeIsInvalid() throws Exception {
        ObjectNode campaign = object("campaigns", 10).put("version", 9).put("name", "batched");
        ObjectNode badGroup = object("ad-groups", 100).put("version", 9).put("campaignId", 77);
        String body = "{\"changes\":[{\"op\":\"PUT\",\"kind\":\"campaigns\",\"object\":" + campaign
                + "},{\"op\":\"PUT\",\"kind\":\"ad-groups\",\"object\":" + badGroup + "}]}";

        HttpResponse<String> r = admin("POST", "/v1/admin/catalog/batch", body);

        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("changes[1].campaignId").contains("no campaign with id 77");
        assertThat(object("campaigns", 10).get("version").asLong()).isEqualTo(1);

        badGroup.put("campaignId", 10);
        HttpResponse<String> ok = admin("POST", "/v1/admin/catalog/batch", body.replace("\"campaignId\":77", "\"campaignId\":10"));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(object("campaigns", 10).get("name").asText()).isEqualTo("batched");
        assertThat(object("ad-groups", 100).get("version").asLong()).isEqualTo(9);
    }

    @Test
    void operationLogShouldRecordBeforeAfterAndOperator() throws Exception {
        ObjectNode campaign = object("campaigns", 20).put("version", 2).put("enabled", false);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.adminPort() + "/v1/admin/catalog/campaigns/20"))
                .header("Authorization", "Bearer " + config.adminToken()).header("X-Operator", "reviewer-7")
                .PUT(HttpRequest.BodyPublishers.ofString(campaign.toString())).build();
        assertThat(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

        JsonNode ops = JSON.readTree(admin("GET", "/v1/admin/catalog/operations?kind=campaigns&id=20&from=" + NOW + "&to=" + (NOW + 1), null)
                .body()).get("operations");
        assertThat(ops).hasSize(1);
        assertThat(ops.get(0).get("operator").asText()).isEqualTo("reviewer-7");
        assertThat(ops.get(0).get("operation").asText()).isEqualTo("UPDATE");
        assertThat(ops.get(0).get("before").get("enabled").asBoolean()).isTrue();
        assertThat(ops.get(0).get("after").get("enabled").asBoolean()).isFalse();
        assertThat(ops.get(0).get("time").asLong()).isEqualTo(NOW);
        JsonNode none = JSON.readTree(admin("GET", "/v1/admin/catalog/operations?kind=campaigns&id=20&to=" + NOW, null).body());
        assertThat(none.get("operations")).isEmpty();
    }

    @Test
    void pausingAnAdGroupShouldStopItServingAndSwitchingItOnShouldBringItBack() throws Exception {
        Set<Long> before = served();
        assertThat(before).isNotEmpty();
        long group = before.iterator().next();

        assertThat(put("ad-groups", object("ad-groups", group).put("version", 2).put("deliveryOn", false)).statusCode()).isEqualTo(200);
        assertThat(servedOnceItSatisfies(s -> !s.contains(group))).doesNotContain(group);

        assertThat(put("ad-groups", object("ad-groups", group).put("version", 3).put("deliveryOn", true)).statusCode()).isEqualTo(200);
        assertThat(servedOnceItSatisfies(s -> s.contains(group))).contains(group);
    }

    @Test
    void rejectingAnAdGroupShouldStopItServing() throws Exception {
        long group = served().iterator().next();

        ObjectNode rejected = object("ad-groups", group).put("version", 2).put("review", "REJECTED").put("rejectReason", "misleading");
        assertThat(put("ad-groups", rejected).statusCode()).isEqualTo(200);

        assertThat(servedOnceItSatisfies(s -> !s.contains(group))).doesNotContain(group);
    }

    @Test
    void balanceToZeroShouldStopTheAccountsGroupsAndATopUpShouldRestartThem() throws Exception {
        Set<Long> before = served();
        long group = before.iterator().next();
        long campaignId = object("ad-groups", group).get("campaignId").asLong();
        long accountId = object("campaigns", campaignId).get("accountId").asLong();

        ObjectNode empty = object("accounts", accountId).put("version", 2).put("paymentMode", "PREPAID").put("balanceMicros", 0)
                .put("creditLimitMicros", 0);
        assertThat(put("accounts", empty).statusCode()).isEqualTo(200);
        assertThat(servedOnceItSatisfies(s -> !s.contains(group))).doesNotContain(group);

        ObjectNode toppedUp = empty.deepCopy().put("version", 3).put("balanceMicros", 50_000_000_000L);
        assertThat(put("accounts", toppedUp).statusCode()).isEqualTo(200);
        assertThat(servedOnceItSatisfies(s -> s.contains(group))).contains(group);
    }

    @Test
    void changesShouldSurviveARestartFromTheDataFolder() throws Exception {
        assertThat(put("campaigns", object("campaigns", 11).put("version", 4).put("name", "kept")).statusCode()).isEqualTo(200);
        engine.close();

        engine = Engine.start(config, CatalogJson.read(config.catalogPath()), () -> NOW, () -> 42L, BudgetGate.UNLIMITED);

        assertThat(object("campaigns", 11).get("name").asText()).isEqualTo("kept");
        assertThat(admin("GET", "/v1/admin/catalog/campaigns", null).body()).contains("{\"id\":11,\"version\":4}");
    }
}
