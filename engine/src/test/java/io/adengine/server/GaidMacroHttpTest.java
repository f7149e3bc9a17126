package io.adengine.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adengine.catalog.CatalogJson;
import io.adengine.config.EngineConfig;
import io.adengine.config.EventsConfig;
import io.adengine.match.BudgetGate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code {gaid}} click macro through a real engine with the event pipeline on: the sample catalog with every
 * creative's click URL an AppsFlyer-style attribution link ({@code advertising_id={gaid}&clickid={click_id}}, and one
 * deeplink asking for it too) but creative 1000's, which is left plain. A click redirects to the link with the
 * request's GAID (lower case) and a click id; a request whose privacy signals forbid user data (COPPA, LMT, GDPR
 * without consent, US Privacy opt-out) or without a valid GAID gets an empty {@code advertising_id}; the answer and its
 * click tracker never show the GAID, its token's payload neither; a creative without the macro gets the plain
 * 12-field token; the click id (for the partner's postback) carries no GAID.
 */
class GaidMacroHttpTest {

    private static final Path CONFIG_DIR = Path.of("..", "config");
    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final AtomicLong CLOCK = new AtomicLong(NOW);
    /** As a device may send it: upper case, blanks around. */
    private static final String GAID = " 38400000-8CF0-11BD-B23E-10B96E40000D ";
    private static final String CANONICAL = "38400000-8cf0-11bd-b23e-10b96e40000d";
    private static final String LINK = "https://app.appsflyer.com/x?advertising_id={gaid}&clickid={click_id}";
    private static final long PLAIN_CREATIVE = 1000;

    @TempDir
    static Path dir;
    private static Engine engine;

    @BeforeAll
    static void startEngine() throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(CONFIG_DIR.resolve("sample-catalog.json").toFile());
        for (JsonNode c : root.get("creatives")) {
            if (c.get("id").asLong() != PLAIN_CREATIVE) {
                ((ObjectNode) c).put("clickUrl", LINK);
            }
            if (c.get("id").asLong() == 2000) {
                ((ObjectNode) c).put("deeplink", "shopapp://sale?gaid={gaid}&c={creative_id}");
            }
        }
        Path file = dir.resolve("catalog.json");
        JSON.writeValue(file.toFile(), root);
        EngineConfig config = EngineConfig.defaults(CONFIG_DIR.resolve("sample-catalog.json"))
                .withEvents(EventsConfig.inDirectory(dir.resolve("journal")).withPacing(EventsConfig.Pacing.ASAP));
        engine = Engine.start(config, CatalogJson.read(file), CLOCK::get, () -> 42L, BudgetGate.UNLIMITED);
    }

    @AfterAll
    static void stopEngine() throws Exception {
        // Let the engine see every client close before it stops (the paranoid leak check).
        for (int i = 0; i < 500 && ConnectionLimitsHttpTest.gauge(metrics(), "adengine_connections_open", "port=\"public\"") > 0; i++) {
            Thread.sleep(10);
        }
        engine.close();
    }

    private static String metrics() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.metrics().writeText(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static ObjectNode request(String gaid, Consumer<ObjectNode> edit) throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(CONFIG_DIR.resolve("sample-request.json").toFile());
        if (gaid == null) {
            body.remove("gaid");
        } else {
            body.put("gaid", gaid);
        }
        edit.accept(body);
        return body;
    }

    /** The answer's body for a request. */
    private static String answer(ObjectNode body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.publicPort() + "/v1/ads"))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private static HttpResponse<String> get(String trackerUrl) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(trackerUrl.replaceFirst("^https?://[^/]+", "http://127.0.0.1:" + engine.publicPort())))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Shows the ad, then clicks it; the click's redirect. */
    private static HttpResponse<String> showThenClick(JsonNode ad) throws Exception {
        assertThat(get(ad.get("impressionTrackers").get(0).asText()).statusCode()).isEqualTo(204);
        CLOCK.addAndGet(1_000);
        HttpResponse<String> click = get(ad.get("clickTracker").asText());
        assertThat(click.statusCode()).as(click.body()).isEqualTo(302);
        return click;
    }

    private static String query(String url, String name) {
        for (String pair : url.substring(url.indexOf('?') + 1).split("&")) {
            int eq = pair.indexOf('=');
            if (pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** The fields of a tracker token's payload (its base64url part decoded). */
    private static String payload(String trackerUrl) {
        String t = query(trackerUrl, "t");
        return new String(Base64.getUrlDecoder().decode(t.substring(0, t.indexOf('.'))), StandardCharsets.US_ASCII);
    }

    /** Whether text shows the GAID in any spelling: with or without dashes, any case, or its distinctive parts. */
    private static void assertNoGaidIn(String what, String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        assertThat(lower).as(what).doesNotContain(CANONICAL).doesNotContain(CANONICAL.replace("-", ""))
                .doesNotContain("10b96e40000d").doesNotContain("8cf0-11bd");
    }

    @Test
    void aClickRedirectsToTheLinkWithTheRequestsGaidAndAClickIdWhileTheAnswerNeverShowsTheGaid() throws Exception {
        String body = answer(request(GAID, b -> b.put("count", 3)));
        assertNoGaidIn("the answer", body);
        JsonNode ads = JSON.readTree(body).get("ads");
        java.util.Set<Long> served = new java.util.HashSet<>();
        for (JsonNode ad : ads) {
            String tracker = ad.get("clickTracker").asText();
            String payload = payload(tracker);
            assertNoGaidIn("the click token's payload", payload);
            assertNoGaidIn("the impression token's payload", payload(ad.get("impressionTrackers").get(0).asText()));
            assertThat(payload(ad.get("impressionTrackers").get(0).asText()).split("\\|", -1)).as("the impression token").hasSize(12);
            boolean macro = ad.get("creativeId").asLong() != PLAIN_CREATIVE;
            served.add(ad.get("creativeId").asLong());
            assertThat(payload.split("\\|", -1)).as("creative %s's click token", ad.get("creativeId")).hasSize(macro ? 13 : 12);

            HttpResponse<String> click = showThenClick(ad);
            String location = click.headers().firstValue("location").orElseThrow();
            if (!macro) {
                assertThat(location).doesNotContain("appsflyer");
                continue;
            }
            assertThat(location).startsWith("https://app.appsflyer.com/x?advertising_id=" + CANONICAL + "&clickid=");
            String clickId = query(location, "clickid");
            assertThat(clickId).isNotEmpty().isEqualTo(click.headers().firstValue("x-conversion-token").orElseThrow());
            // The click id goes to the partner: it carries no GAID, not even sealed.
            String idPayload = new String(Base64.getUrlDecoder().decode(clickId.substring(0, clickId.indexOf('.'))), StandardCharsets.US_ASCII);
            assertThat(idPayload.split("\\|", -1)).hasSize(12);
            assertThat(idPayload).startsWith("v4|v|");
            if (ad.get("creativeId").asLong() == 2000) {
                assertThat(click.headers().firstValue("x-deeplink").orElseThrow()).isEqualTo("shopapp://sale?gaid=" + CANONICAL + "&c=2000");
            }
            // A repeated click still redirects, with the GAID again.
            HttpResponse<String> again = get(tracker);
            assertThat(again.headers().firstValue("location").orElseThrow()).contains("advertising_id=" + CANONICAL + "&");
        }
        assertThat(served).as("a plain creative, one with the macro, one with it in its deeplink too").contains(PLAIN_CREATIVE, 2100L, 2000L);
    }

    /** The Location of a click on the first ad with the macro for a request; the click token must not carry a GAID. */
    private static String clickWithoutGaid(ObjectNode request) throws Exception {
        JsonNode ads = JSON.readTree(answer(request)).get("ads");
        for (JsonNode ad : ads) {
            if (ad.get("creativeId").asLong() != PLAIN_CREATIVE) {
                assertThat(payload(ad.get("clickTracker").asText()).split("\\|", -1)).as("no GAID sealed in").hasSize(12);
                String location = showThenClick(ad).headers().firstValue("location").orElseThrow();
                assertNoGaidIn("the redirect", location);
                return location;
            }
        }
        throw new AssertionError("no ad with the macro served: " + ads);
    }

    @Test
    void aRequestWhosePrivacySignalsForbidUserDataGetsAnEmptyAdvertisingId() throws Exception {
        assertThat(clickWithoutGaid(request(GAID, b -> b.putObject("regs").put("coppa", 1))))
                .as("COPPA").startsWith("https://app.appsflyer.com/x?advertising_id=&clickid=");
        assertThat(clickWithoutGaid(request(GAID, b -> ((ObjectNode) b.get("device")).put("lmt", 1))))
                .as("LMT").startsWith("https://app.appsflyer.com/x?advertising_id=&clickid=");
        assertThat(clickWithoutGaid(request(GAID, b -> b.putObject("regs").put("gdpr", 1))))
                .as("GDPR without consent").startsWith("https://app.appsflyer.com/x?advertising_id=&clickid=");
        assertThat(clickWithoutGaid(request(GAID, b -> b.putObject("regs").put("usPrivacy", "1YYN"))))
                .as("US Privacy opt-out").startsWith("https://app.appsflyer.com/x?advertising_id=&clickid=");
    }

    @Test
    void aRequestWithoutAValidGaidGetsAnEmptyAdvertisingId() throws Exception {
        assertThat(clickWithoutGaid(request(null, b -> { }))).as("no GAID").startsWith("https://app.appsflyer.com/x?advertising_id=&clickid=");
        assertThat(clickWithoutGaid(request("00000000-0000-0000-0000-000000000000", b -> { })))
                .as("the all-zero GAID of limited tracking").startsWith("https://app.appsflyer.com/x?advertising_id=&clickid=");
        assertThat(clickWithoutGaid(request("not-a-gaid", b -> { }))).as("not a GAID").startsWith("https://app.appsflyer.com/x?advertising_id=&clickid=");
    }
}
