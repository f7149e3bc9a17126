package io.adengine.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Catalog objects refused at the door over the admin API with 422 naming the field: money that would
 * overflow the spendable sum, negative versions, URLs with control characters, deeplinks outside the
 * allowlist; ids in non-canonical JSON ({@code 07}, {@code +5}) are not JSON at all (400).
 */
class CatalogInputHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static FullEngine full;

    @BeforeAll
    static void start() throws Exception {
        full = FullEngine.start(dir);
    }

    @AfterAll
    static void stop() {
        full.close();
    }

    private static ObjectNode current(String kind, long id) throws Exception {
        ObjectNode o = (ObjectNode) JSON.readTree(full.admin("GET", "/v1/admin/catalog/" + kind + "/" + id, null).body());
        return o.put("version", o.path("version").asLong() + 1);
    }

    private static void assertRefused(RawHttp.Answer r, String field, String message) throws Exception {
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("error").path("field").asText()).isEqualTo(field);
        assertThat(body.path("problems").get(0).path("message").asText()).contains(message);
    }

    @Test
    void anAccountWhoseBalancePlusCreditWouldOverflowShouldBe422() throws Exception {
        ObjectNode account = current("accounts", 1).put("paymentMode", "POSTPAID")
                .put("balanceMicros", Long.MAX_VALUE - 1).put("creditLimitMicros", 3);
        assertRefused(full.admin("PUT", "/v1/admin/catalog/accounts/1", account.toString()), "balanceMicros", "must be -100000000000000000..");

        account.put("balanceMicros", 1_000_000).put("creditLimitMicros", Long.MAX_VALUE);
        assertRefused(full.admin("PUT", "/v1/admin/catalog/accounts/1", account.toString()), "creditLimitMicros", "must be 0..");

        RawHttp.Answer report = full.admin("GET", "/v1/admin/reports/account?accountId=1", null);
        assertThat(JSON.readTree(report.body()).path("spendableMicros").asLong()).as("unchanged, not wrapped").isPositive();
    }

    @Test
    void aNegativeVersionShouldBe422() throws Exception {
        assertRefused(full.admin("PUT", "/v1/admin/catalog/accounts/1", current("accounts", 1).put("version", -1).toString()),
                "version", "must be 0..");
    }

    @Test
    void aCreativeWithControlCharactersOrAForbiddenDeeplinkShouldBe422() throws Exception {
        long creativeId = JSON.readTree(full.admin("GET", "/v1/admin/catalog/creatives", null).body()).path("objects").get(0).path("id").asLong();
        String path = "/v1/admin/catalog/creatives/" + creativeId;
        assertRefused(full.admin("PUT", path, current("creatives", creativeId).put("clickUrl", "https://x.example/\r\nLocation: evil").toString()),
                "clickUrl", "must not contain control characters");
        assertRefused(full.admin("PUT", path, current("creatives", creativeId).put("deeplink", "javascript:alert(1)").toString()),
                "deeplink", "never accepted");
        assertRefused(full.admin("PUT", path, current("creatives", creativeId).put("deeplink", "intent://x#Intent;end").toString()),
                "deeplink", "is not allowed");
    }

    @Test
    void nonCanonicalNumbersInAJsonBodyShouldBeRefused() throws Exception {
        String leadingZero = current("accounts", 1).toString().replace("\"id\":1,", "\"id\":01,");
        assertThat(full.admin("PUT", "/v1/admin/catalog/accounts/1", leadingZero).status()).isEqualTo(400);
        String plus = current("accounts", 1).toString().replace("\"id\":1,", "\"id\":+1,");
        assertThat(full.admin("PUT", "/v1/admin/catalog/accounts/1", plus).status()).isEqualTo(400);
    }
}
