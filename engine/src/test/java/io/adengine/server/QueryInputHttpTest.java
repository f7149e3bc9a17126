package io.adengine.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Query strings and path ids from a careless or hostile client, on every route that reads them (trackers,
 * reports, catalog operations and objects, audiences): a bad {@code %}-escape is a 400 naming the parameter
 * (it was a 500 and an ERROR line), ids and versions have one canonical decimal spelling, ranges are checked
 * rather than clamped.
 */
class QueryInputHttpTest {

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

    private static void assertInvalid(RawHttp.Answer r, int status, String field) throws Exception {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertThat(error.path("field").asText()).as(r.body()).isEqualTo(field);
        assertThat(error.path("message").asText()).isNotBlank();
    }

    @Test
    void aBadEscapeInATrackerQueryShouldBe400NamingT() throws Exception {
        assertInvalid(full.pub("GET", "/v1/events/imp?t=abc%zz", null), 400, "t");
        assertInvalid(full.pub("GET", "/v1/events/click?t=%", null), 400, "t");
        assertInvalid(full.pub("GET", "/v1/events/imp?t=a&t=b", null), 400, "t");
    }

    @Test
    void aBadEscapeOrNonCanonicalIdInAReportQueryShouldBe400NamingTheParameter() throws Exception {
        assertInvalid(full.admin("GET", "/v1/admin/reports?campaign=%G1", null), 400, "campaign");
        assertInvalid(full.admin("GET", "/v1/admin/reports?from=%", null), 400, "from");
        assertInvalid(full.admin("GET", "/v1/admin/reports?campaign=07", null), 400, "campaign");
        assertInvalid(full.admin("GET", "/v1/admin/reports?campaign=0", null), 400, "campaign");
        assertInvalid(full.admin("GET", "/v1/admin/reports?utcOffsetHours=%2B5", null), 400, "utcOffsetHours");
        assertInvalid(full.admin("GET", "/v1/admin/reports?country=I%4E%", null), 400, "country");
        assertInvalid(full.admin("GET", "/v1/admin/reports?country=India", null), 400, "country");
        assertInvalid(full.admin("GET", "/v1/admin/reports/account?accountId=%2B1", null), 400, "accountId");
        assertInvalid(full.admin("GET", "/v1/admin/reports/account?accountId=01", null), 400, "accountId");
        assertThat(full.admin("GET", "/v1/admin/reports?utcOffsetHours=-5&from=2026-11-01", null).status()).isEqualTo(200);
        assertThat(full.admin("GET", "/v1/admin/reports?from=%2B1000000000-01-01T00:00:00Z", null).status()).isEqualTo(400);
    }

    @Test
    void operationsQueriesShouldCheckTheirRangesAndEscapes() throws Exception {
        assertInvalid(full.admin("GET", "/v1/admin/catalog/operations?limit=-1", null), 400, "limit");
        assertInvalid(full.admin("GET", "/v1/admin/catalog/operations?limit=10001", null), 400, "limit");
        assertInvalid(full.admin("GET", "/v1/admin/catalog/operations?limit=%zz", null), 400, "limit");
        assertInvalid(full.admin("GET", "/v1/admin/catalog/operations?id=07", null), 400, "id");
        assertInvalid(full.admin("GET", "/v1/admin/catalog/operations?from=-1", null), 400, "from");
        assertThat(full.admin("GET", "/v1/admin/catalog/operations?limit=10000", null).status()).isEqualTo(200);
    }

    @Test
    void catalogPathIdsAndVersionsShouldBeCanonical() throws Exception {
        assertThat(full.admin("GET", "/v1/admin/catalog/accounts/1", null).status()).isEqualTo(200);
        for (String id : new String[] {"01", "+1", "-0", "%31", "1%", "0", "1.0", " 1"}) {
            String path = "/v1/admin/catalog/accounts/" + id.replace(" ", "%20");
            assertInvalid(full.admin("GET", path, null), 400, "id");
        }
        assertInvalid(full.admin("DELETE", "/v1/admin/catalog/ad-spaces/101?version=-1", null), 400, "version");
        assertInvalid(full.admin("DELETE", "/v1/admin/catalog/ad-spaces/101?version=%2B1", null), 400, "version");
        assertInvalid(full.admin("DELETE", "/v1/admin/catalog/ad-spaces/101?version=1%", null), 400, "version");
        assertThat(full.admin("GET", "/v1/admin/catalog/ad-spaces/101", null).status()).as("nothing was deleted").isEqualTo(200);
    }

    @Test
    void batchDeletesShouldRefuseFractionalIdsAndNegativeVersions() throws Exception {
        RawHttp.Answer r = full.admin("POST", "/v1/admin/catalog/batch",
                "{\"changes\":[{\"op\":\"DELETE\",\"kind\":\"ad-spaces\",\"id\":101.5},"
                        + "{\"op\":\"DELETE\",\"kind\":\"ad-spaces\",\"id\":101,\"version\":-1}]}");
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.body()).contains("changes[0].id").contains("changes[1].version");
    }

    @Test
    void audienceIdsAndTypesShouldBeCanonicalAndDecoded() throws Exception {
        assertInvalid(full.admin("POST", "/v1/admin/audiences/07?type=gaid", "x"), 400, "id");
        assertInvalid(full.admin("POST", "/v1/admin/audiences/+7?type=gaid", "x"), 400, "id");
        assertInvalid(full.admin("POST", "/v1/admin/audiences/7?type=%zz", "x"), 400, "type");
    }
}
