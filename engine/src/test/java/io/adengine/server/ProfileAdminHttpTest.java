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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live profile feed ({@code POST /v1/admin/profiles}) on a real engine, black box: an ad group that
 * needs the promoted app installed (and a female user) does not serve a user until an upload says so, an
 * uninstall event takes the user out again, a restart keeps what was uploaded, a malformed upload is
 * refused naming the line and field and changes nothing.
 */
class ProfileAdminHttpTest {

    private static final Path CONFIG_DIR = Path.of("..", "config");
    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final long DAY = 86_400_000L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String ANNA = "38400000-8cf0-11bd-b23e-10b96e40000d";
    private static final String BORIS = "6f1e0c2a-1b2c-4d5e-8f90-a1b2c3d4e5f6";
    private static final String APP = "com.puzzle.studio";

    @TempDir
    Path dir;

    /** The sample catalog with group 100 (promoting com.puzzle.studio) set to an install state and a gender. */
    private Catalog catalog(String installState, boolean femaleOnly) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(CONFIG_DIR.resolve("sample-catalog.json").toFile());
        ObjectNode group = (ObjectNode) root.get("adGroups").get(0);
        group.put("installState", installState);
        if (femaleOnly) {
            ((ObjectNode) group.get("targeting")).putArray("genders").add("FEMALE");
        }
        Path file = dir.resolve("catalog-" + installState + femaleOnly + ".json");
        JSON.writeValue(file.toFile(), root);
        return CatalogJson.read(file);
    }

    private EngineConfig config() {
        return EngineConfig.defaults(CONFIG_DIR.resolve("sample-catalog.json"))
                .withAudiences(EngineConfig.AudienceConfig.at(dir.resolve("store"), 100_000));
    }

    private static HttpResponse<String> profiles(Engine engine, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.adminPort() + "/v1/admin/profiles"))
                .header("Authorization", "Bearer test-admin-token")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Whether ad group 100 would serve this user (explain: no reason, and it is among the winners). */
    private static boolean serves(Engine engine, String gaid) throws Exception {
        ObjectNode request = (ObjectNode) JSON.readTree(CONFIG_DIR.resolve("sample-request.json").toFile());
        request.put("explainAdGroupId", 100);
        request.put("gaid", gaid);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.adminPort() + "/v1/admin/explain"))
                .header("Authorization", "Bearer test-admin-token")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode explain = JSON.readTree(r.body());
        String reason = explain.path("explain").path("adGroup").path("reason").asText("");
        boolean won = false;
        for (JsonNode w : explain.path("winners")) {
            won |= w.path("adGroupId").asLong() == 100;
        }
        // The user rules are the only thing these tests change: either it wins, or the user stage removed it.
        assertThat(won || reason.equals("USER")).as(explain.toString()).isTrue();
        return won;
    }

    private static JsonNode ok(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private long uploadFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("store").resolve("profile-uploads"))) {
            return files.count();
        }
    }

    @Test
    void uploadShouldMakeAnInstallAndAGenderTargetedGroupServeAUserWithoutRestartAndAnUninstallTakeThemOut() throws Exception {
        Catalog catalog = catalog("ALREADY_INSTALLED", true);
        try (Engine engine = Engine.start(config(), catalog, () -> NOW, () -> 42L, (s, o) -> true)) {
            assertThat(serves(engine, ANNA)).isFalse();

            JsonNode installed = ok(profiles(engine, "install," + ANNA + "," + APP + ",2026-11-27\n"));
            assertThat(installed.path("applied").asLong()).isEqualTo(1);
            assertThat(installed.path("users").asLong()).isEqualTo(1);
            assertThat(installed.path("new").asLong()).isEqualTo(1);
            assertThat(installed.path("known").asLong()).isZero();
            assertThat(installed.path("refused").asLong()).isZero();
            // Installed now, gender still unknown: the gender rule keeps her out.
            assertThat(serves(engine, ANNA)).isFalse();

            JsonNode profile = ok(profiles(engine, "# CRLF, a comment and a blank line\r\n\r\nprofile," + ANNA.toUpperCase() + ",F,27\r\n"
                    + "install," + BORIS + "," + APP + ",2026-11-28\r\nprofile," + BORIS + ",M,30"));
            assertThat(profile.path("lines").asLong()).isEqualTo(5);
            assertThat(profile.path("applied").asLong()).isEqualTo(3);
            assertThat(profile.path("profiles").asLong()).isEqualTo(2);
            assertThat(profile.path("installs").asLong()).isEqualTo(1);
            assertThat(profile.path("users").asLong()).isEqualTo(2);
            assertThat(profile.path("known").asLong()).isEqualTo(1);
            assertThat(profile.path("new").asLong()).isEqualTo(1);
            assertThat(serves(engine, ANNA)).isTrue();
            assertThat(serves(engine, BORIS)).as("male").isFalse();

            JsonNode gone = ok(profiles(engine, "uninstall," + ANNA + "," + APP + ",2026-11-28\n"));
            assertThat(gone.path("uninstalls").asLong()).isEqualTo(1);
            assertThat(gone.path("known").asLong()).isEqualTo(1);
            assertThat(serves(engine, ANNA)).isFalse();

            JsonNode back = ok(profiles(engine, "profile," + BORIS + ",F,30\n"));
            assertThat(back.path("reread").asBoolean()).isFalse();
            assertThat(serves(engine, BORIS)).isTrue();
        }
        assertThat(uploadFiles()).isEqualTo(4);
        String persisted = Files.readString(dir.resolve("store").resolve("profile-uploads").resolve("000000002.csv"));
        assertThat(persisted).doesNotContainIgnoringCase(ANNA).doesNotContainIgnoringCase(BORIS).contains("profile,").contains(",F,27");
        try (Engine restarted = Engine.start(config(), catalog, () -> NOW, () -> 42L, (s, o) -> true)) {
            assertThat(serves(restarted, ANNA)).as("uninstalled before the restart").isFalse();
            assertThat(serves(restarted, BORIS)).as("installed, female since the last upload").isTrue();
            JsonNode again = ok(profiles(restarted, "install," + ANNA + "," + APP + ",2026-11-28\n"));
            assertThat(again.path("known").asLong()).isEqualTo(1);
            assertThat(again.path("new").asLong()).isZero();
            // Same day as her uninstall: an uninstall and an install on one day end installed.
            assertThat(serves(restarted, ANNA)).isTrue();
        }
    }

    @Test
    void notInstalledWithin90DaysShouldKeepAnUninstalledUserOutFor90DaysAfterALiveUninstall() throws Exception {
        Catalog catalog = catalog("NOT_INSTALLED_WITHIN_90_DAYS", false);
        long[] now = {NOW};
        try (Engine engine = Engine.start(config(), catalog, () -> now[0], () -> 42L, (s, o) -> true)) {
            ok(profiles(engine, "profile," + ANNA + ",F,27\n"));
            assertThat(serves(engine, ANNA)).as("known, never installed").isTrue();
            ok(profiles(engine, "install," + ANNA + "," + APP + ",2026-11-28\n"));
            assertThat(serves(engine, ANNA)).isFalse();
            ok(profiles(engine, "uninstall," + ANNA + "," + APP + ",2026-11-29\n"));
            now[0] = NOW + DAY;
            engine.audiences().orElseThrow().recomputeIfNewDay();
            assertThat(serves(engine, ANNA)).as("uninstalled today: installed within 90 days").isFalse();
            now[0] = NOW + 91 * DAY;
            engine.audiences().orElseThrow().recomputeIfNewDay();
            assertThat(serves(engine, ANNA)).as("90 days after the uninstall").isFalse();
            now[0] = NOW + 92 * DAY;
            engine.audiences().orElseThrow().recomputeIfNewDay();
            assertThat(serves(engine, ANNA)).as("91 days after the uninstall").isTrue();
        }
    }

    @Test
    void malformedUploadShouldAnswer400NamingTheLineAndFieldAndLeaveTheStateUnchanged() throws Exception {
        Catalog catalog = catalog("ALREADY_INSTALLED", false);
        try (Engine engine = Engine.start(config(), catalog, () -> NOW, () -> 42L, (s, o) -> true)) {
            ok(profiles(engine, "install," + ANNA + "," + APP + ",2026-11-28\n"));
            assertThat(serves(engine, ANNA)).isTrue();

            HttpResponse<String> typo = profiles(engine, "uninstall," + ANNA + "," + APP + ",2026-11-29\n"
                    + "install," + BORIS + "," + APP + ",2026-11-28\nremove," + ANNA + "," + APP + ",2026-11-29\n");
            assertThat(typo.statusCode()).isEqualTo(400);
            JsonNode error = JSON.readTree(typo.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("profiles_rejected");
            assertThat(error.path("field").asText()).isEqualTo("field 1");
            assertThat(error.path("message").asText()).startsWith("line 3: field 1 must be profile, install or uninstall")
                    .doesNotContainIgnoringCase(ANNA);
            HttpResponse<String> fields = profiles(engine, "uninstall," + ANNA + "," + APP + "\n");
            assertThat(fields.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(fields.body()).path("error").path("message").asText())
                    .startsWith("line 1: expected 4 comma-separated fields, found 3");
            HttpResponse<String> binary = profiles(engine, "uninstall," + ANNA + "," + APP + ",2026-11-29\n\u0000\u0001");
            assertThat(binary.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(binary.body()).path("error").path("message").asText()).startsWith("the upload is not text");
            HttpResponse<String> mostlyBad = profiles(engine, "uninstall," + ANNA + "," + APP + ",2026-11-29\n"
                    + "install,not-a-gaid," + APP + ",2026-11-29\ninstall," + BORIS + "," + APP + ",29/11/2026\n");
            assertThat(mostlyBad.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(mostlyBad.body()).path("error").path("message").asText())
                    .isEqualTo("the upload is mostly invalid: 2 of 3 records refused (line 2: field 2 is not a GAID or a GAID MD5; "
                            + "line 3: field 4 must be a date YYYY-MM-DD)");

            assertThat(serves(engine, ANNA)).as("nothing of the refused uploads applied").isTrue();
            assertThat(serves(engine, BORIS)).isFalse();
            assertThat(uploadFiles()).isEqualTo(1);

            // A bad value alone is a counted refusal; the other lines apply.
            JsonNode partly = ok(profiles(engine, "install," + BORIS + "," + APP + ",2026-11-28\nprofile," + BORIS + ",X,30\n"
                    + "profile,00000000-0000-0000-0000-000000000000,F,30\nprofile," + BORIS + ",M,300\n"
                    + "profile," + BORIS + ",M,30\nprofile," + ANNA + ",F,27\n"));
            assertThat(partly.path("applied").asLong()).isEqualTo(3);
            assertThat(partly.path("refused").asLong()).isEqualTo(3);
            assertThat(partly.path("firstRefused")).extracting(JsonNode::asText).containsExactly(
                    "line 2: field 3 (gender) must be M, F or U", "line 3: field 2 is not a GAID or a GAID MD5",
                    "line 4: field 4 (age) must be 0..200 or empty");
            assertThat(serves(engine, BORIS)).isTrue();

            HttpResponse<String> noToken = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + engine.adminPort() + "/v1/admin/profiles"))
                    .POST(HttpRequest.BodyPublishers.ofString("uninstall," + ANNA + "," + APP + ",2026-11-29\n")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(noToken.statusCode()).isEqualTo(401);
            assertThat(serves(engine, ANNA)).isTrue();
            HttpResponse<String> empty = profiles(engine, "# nothing\n\n");
            assertThat(empty.statusCode()).isEqualTo(400);
            assertThat(uploadFiles()).isEqualTo(2);
        }
    }

    @Test
    void uploadShouldAnswer413WhenTheDeclaredLengthIsOverTheLimit() throws Exception {
        try (Engine engine = Engine.start(config(), catalog("ALREADY_INSTALLED", false), () -> NOW, () -> 42L, (s, o) -> true)) {
            RawHttp.Answer answer = RawHttp.send(engine.adminPort(), "POST", "/v1/admin/profiles",
                    "Authorization: Bearer test-admin-token\r\nContent-Length: " + (64L * 1024 * 1024 + 1) + "\r\n", null);
            assertThat(answer.status()).isEqualTo(413);
            assertThat(answer.body()).contains("file_too_large");
            assertThat(List.of(uploadFiles())).containsExactly(0L);
        }
    }
}
