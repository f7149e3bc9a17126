package io.adengine.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adengine.model.Catalog;
import io.adengine.catalog.CatalogJson;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Every validation rule with one failing example, starting from a valid object of the sample catalog and
 * breaking one thing; the problem must name the field and say what is wrong.
 */
class CatalogRulesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CONFIG_DIR = Path.of("..", "config");
    private static CatalogRules rules;
    private static Catalog sample;

    @BeforeAll
    static void load() throws Exception {
        rules = CatalogRules.load(CONFIG_DIR);
        sample = CatalogJson.read(CONFIG_DIR.resolve("sample-catalog.json"));
    }

    private static CatalogRules.References refs() {
        return (kind, id) -> switch (kind) {
            case ACCOUNT -> sample.account(id);
            case CAMPAIGN -> sample.campaign(id);
            case AD_GROUP -> sample.adGroup(id);
            case AD_SPACE -> sample.adSpace(id);
            case AUDIENCE -> id == 7 ? new Audience(7, 1, "buyers", "in", "UPLOADED") : null;
            default -> null;
        };
    }

    private static List<Problem> check(ObjectKind kind, Object value) {
        return rules.check(kind.parse(ObjectKind.toJson(value), ""), refs());
    }

    private static List<Problem> broken(ObjectKind kind, Object valid, Consumer<ObjectNode> breakIt) {
        ObjectNode json = ObjectKind.toJson(valid);
        breakIt.accept(json);
        return rules.check(kind.parse(json, ""), refs());
    }

    @Test
    void everyObjectOfTheSampleCatalogShouldPass() {
        sample.accounts().forEach(a -> assertThat(check(ObjectKind.ACCOUNT, a)).as("account " + a.id()).isEmpty());
        sample.campaigns().forEach(c -> assertThat(check(ObjectKind.CAMPAIGN, c)).as("campaign " + c.id()).isEmpty());
        sample.adGroups().forEach(g -> assertThat(check(ObjectKind.AD_GROUP, g)).as("ad group " + g.id()).isEmpty());
        sample.creatives().forEach(c -> assertThat(check(ObjectKind.CREATIVE, c)).as("creative " + c.id()).isEmpty());
        sample.adSpaces().forEach(s -> assertThat(check(ObjectKind.AD_SPACE, s)).as("ad space " + s.id()).isEmpty());
    }

    static Stream<Arguments> creativeRules() {
        return Stream.of(
                Arguments.of("image size", (Consumer<ObjectNode>) c -> ((ObjectNode) c.get("images").get(0)).put("width", 1000),
                        "images[0]", "must be 1200x628 pixels, was 1000x628"),
                Arguments.of("image file size", (Consumer<ObjectNode>) c -> ((ObjectNode) c.get("images").get(0)).put("bytes", 600_000),
                        "images[0].bytes", "must be at most 512000 bytes, was 600000"),
                Arguments.of("image count", (Consumer<ObjectNode>) c -> {
                    for (int i = 0; i < 4; i++) {
                        c.withArray("images").add(c.get("images").get(0).deepCopy());
                    }
                }, "images", "at most 5 allowed, was 6"),
                Arguments.of("title length", (Consumer<ObjectNode>) c -> c.withArray("titles").set(0, "x".repeat(31)),
                        "titles[0]", "must be at most 30 characters, was 31"),
                Arguments.of("title count", (Consumer<ObjectNode>) c -> c.withArray("titles").add("a").add("b"),
                        "titles", "at most 3 allowed, was 4"),
                Arguments.of("description length", (Consumer<ObjectNode>) c -> c.withArray("descriptions").set(0, "d".repeat(81)),
                        "descriptions[0]", "must be at most 80 characters, was 81"),
                Arguments.of("description count", (Consumer<ObjectNode>) c -> c.withArray("descriptions").add("a").add("b").add("c"),
                        "descriptions", "at most 3 allowed, was 4"),
                Arguments.of("button length", (Consumer<ObjectNode>) c -> c.withArray("buttons").set(0, "b".repeat(16)),
                        "buttons[0]", "must be at most 15 characters, was 16"),
                Arguments.of("button count", (Consumer<ObjectNode>) c -> c.withArray("buttons").add("a").add("b").add("c"),
                        "buttons", "at most 3 allowed, was 4"),
                Arguments.of("click URL required", (Consumer<ObjectNode>) c -> c.remove("clickUrl"), "clickUrl", "is required"),
                Arguments.of("click URL http(s) only", (Consumer<ObjectNode>) c -> c.put("clickUrl", "ftp://x/landing"),
                        "clickUrl", "must be an http:// or https:// URL"),
                Arguments.of("tracker http(s) only", (Consumer<ObjectNode>) c -> c.withArray("impressionTrackers").add("javascript:alert(1)"),
                        "impressionTrackers[1]", "must be an http:// or https:// URL"),
                Arguments.of("icon size", (Consumer<ObjectNode>) c -> ((ObjectNode) c.get("icon")).put("width", 90),
                        "icon", "must be 84x84 pixels, was 90x84"),
                Arguments.of("no video on an image format", (Consumer<ObjectNode>) c -> c.withArray("videos")
                        .addObject().put("url", "https://v/x.mp4").put("bytes", 10).put("durationMillis", 1000),
                        "videos", "format LARGE_NEWSFEED_IMAGE takes no videos"),
                Arguments.of("unknown ad group", (Consumer<ObjectNode>) c -> c.put("adGroupId", 999), "adGroupId", "no ad group with id 999"),
                Arguments.of("CR LF in the click URL", (Consumer<ObjectNode>) c -> c.put("clickUrl", "https://shop.example/x\r\nSet-Cookie: a=b"),
                        "clickUrl", "must not contain control characters (CR, LF, NUL, tab, any below 0x20, or 0x7f): 0xd at index 22"),
                Arguments.of("LF in a tracker", (Consumer<ObjectNode>) c -> c.withArray("impressionTrackers").add("https://t.example/p\n"),
                        "impressionTrackers[1]", "must not contain control characters (CR, LF, NUL, tab, any below 0x20, or 0x7f): 0xa at index 19"),
                Arguments.of("NUL in a video tracker", (Consumer<ObjectNode>) c -> c.withArray("videoTrackers").add("https://t.example/\u0000v"),
                        "videoTrackers[0]", "must not contain control characters (CR, LF, NUL, tab, any below 0x20, or 0x7f): 0x0 at index 18"),
                Arguments.of("DEL in an image URL", (Consumer<ObjectNode>) c -> ((ObjectNode) c.get("images").get(0)).put("url", "https://cdn.example/a\u007f.png"),
                        "images[0].url", "must not contain control characters (CR, LF, NUL, tab, any below 0x20, or 0x7f): 0x7f at index 21"),
                Arguments.of("tab in the deeplink", (Consumer<ObjectNode>) c -> c.put("deeplink", "shopapp://sale\tx"),
                        "deeplink", "must not contain control characters (CR, LF, NUL, tab, any below 0x20, or 0x7f): 0x9 at index 14"),
                Arguments.of("javascript: deeplink", (Consumer<ObjectNode>) c -> c.put("deeplink", "javascript:alert(document.cookie)"),
                        "deeplink", "javascript: deeplinks are never accepted (they run code or read local files)"),
                Arguments.of("JavaScript: deeplink in capitals", (Consumer<ObjectNode>) c -> c.put("deeplink", "JavaScript:alert(1)"),
                        "deeplink", "javascript: deeplinks are never accepted (they run code or read local files)"),
                Arguments.of("data: deeplink", (Consumer<ObjectNode>) c -> c.put("deeplink", "data:text/html;base64,PHNjcmlwdD4="),
                        "deeplink", "data: deeplinks are never accepted (they run code or read local files)"),
                Arguments.of("file: deeplink", (Consumer<ObjectNode>) c -> c.put("deeplink", "file:///data/data/app/secrets"),
                        "deeplink", "file: deeplinks are never accepted (they run code or read local files)"),
                Arguments.of("deeplink scheme not in the allowlist", (Consumer<ObjectNode>) c -> c.put("deeplink", "puzzle://open"),
                        "deeplink", "scheme puzzle: is not allowed; allowed are [http, https, market, shopapp] (deeplinkSchemes in creative-formats.yaml)"),
                Arguments.of("deeplink without a scheme", (Consumer<ObjectNode>) c -> c.put("deeplink", " javascript:x"),
                        "deeplink", "must start with a URI scheme such as myapp: (letters, digits, + - . before the colon)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("creativeRules")
    void creativeShouldBeRefusedWhenItBreaksAFormatLimit(String rule, Consumer<ObjectNode> breakIt, String field, String message) {
        List<Problem> problems = broken(ObjectKind.CREATIVE, sample.creatives().iterator().next(), breakIt);

        assertThat(problems).contains(new Problem(field, message));
    }

    @Test
    void videoCreativeShouldBeRefusedWhenAVideoIsTooLongOrTooLarge() {
        Object video = sample.creatives().stream().filter(c -> c.id() == 1010).findFirst().orElseThrow();

        List<Problem> problems = broken(ObjectKind.CREATIVE, video, c -> ((ObjectNode) c.get("videos").get(0))
                .put("durationMillis", 31_000).put("bytes", 11_000_000));

        assertThat(problems).contains(new Problem("videos[0].durationMillis", "must be at most 30000 ms, was 31000"),
                new Problem("videos[0].bytes", "must be at most 10485760 bytes, was 11000000"));
    }

    static Stream<Arguments> vastRules() {
        return Stream.of(
                Arguments.of("too long for the format", (Consumer<ObjectNode>) v -> v.put("durationMillis", 31_000),
                        "vast.durationMillis", "must be at most 30000 ms, was 31000"),
                Arguments.of("skip after the end", (Consumer<ObjectNode>) v -> v.put("skipOffsetMillis", 30_001),
                        "vast.skipOffsetMillis", "must be at most durationMillis (30000), was 30001"),
                Arguments.of("no media file", (Consumer<ObjectNode>) v -> v.putArray("mediaFiles"),
                        "vast.mediaFiles", "needs at least one media file"),
                Arguments.of("too many media files", (Consumer<ObjectNode>) v -> {
                    for (int i = 0; i < 8; i++) {
                        v.withArray("mediaFiles").add(v.get("mediaFiles").get(0).deepCopy());
                    }
                }, "vast.mediaFiles", "at most 10 allowed, was 11"),
                Arguments.of("media file not http", (Consumer<ObjectNode>) v -> ((ObjectNode) v.get("mediaFiles").get(1)).put("url", "file:///etc/passwd"),
                        "vast.mediaFiles[1].url", "must be an http:// or https:// URL"),
                Arguments.of("media file with CR LF", (Consumer<ObjectNode>) v -> ((ObjectNode) v.get("mediaFiles").get(0)).put("url", "https://x/a\r\nb"),
                        "vast.mediaFiles[0].url", "must not contain control characters (CR, LF, NUL, tab, any below 0x20, or 0x7f): 0xd at index 11"),
                Arguments.of("media type not a MIME type", (Consumer<ObjectNode>) v -> ((ObjectNode) v.get("mediaFiles").get(0)).put("type", "mp4\"><x"),
                        "vast.mediaFiles[0].type", "must be a MIME type such as video/mp4 (type/subtype, ASCII letters, digits, + - . _), was \"mp4\"><x\""),
                Arguments.of("verification script not http", (Consumer<ObjectNode>) v -> ((ObjectNode) v.get("verifications").get(0))
                        .put("javascriptUrl", "javascript:alert(1)"), "vast.verifications[0].javascriptUrl", "must be an http:// or https:// URL"),
                Arguments.of("blank vendor", (Consumer<ObjectNode>) v -> ((ObjectNode) v.get("verifications").get(0)).put("vendor", " "),
                        "vast.verifications[0].vendor", "must be 1..256 characters, not blank"),
                Arguments.of("verification parameters too long", (Consumer<ObjectNode>) v -> ((ObjectNode) v.get("verifications").get(0))
                        .put("parameters", "p".repeat(4097)), "vast.verifications[0].parameters", "must be at most 4096 characters, was 4097"),
                Arguments.of("event tracker not http", (Consumer<ObjectNode>) v -> ((ObjectNode) v.get("trackingEvents").get(1)).put("url", "ftp://x"),
                        "vast.trackingEvents[1].url", "must be an http:// or https:// URL"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vastRules")
    void vastSectionShouldBeRefusedWhenItBreaksARule(String rule, Consumer<ObjectNode> breakIt, String field, String message) {
        Object rewarded = sample.creatives().stream().filter(c -> c.id() == 1011).findFirst().orElseThrow();
        assertThat(check(ObjectKind.CREATIVE, rewarded)).isEmpty();

        List<Problem> problems = broken(ObjectKind.CREATIVE, rewarded, c -> breakIt.accept((ObjectNode) c.get("vast")));

        assertThat(problems).contains(new Problem(field, message));
    }

    @Test
    void vastSectionShouldBeRefusedOnAFormatWithoutVideo() {
        Object rewarded = sample.creatives().stream().filter(c -> c.id() == 1011).findFirst().orElseThrow();
        Object image = sample.creatives().iterator().next();

        List<Problem> problems = broken(ObjectKind.CREATIVE, image, c -> c.set("vast", ObjectKind.toJson(rewarded).get("vast")));

        assertThat(problems).contains(new Problem("vast", "format LARGE_NEWSFEED_IMAGE takes no video"));
    }

    @Test
    void deeplinkShouldBeOptional() {
        Object creative = sample.creatives().iterator().next();

        assertThat(broken(ObjectKind.CREATIVE, creative, c -> c.remove("deeplink"))).isEmpty();
        assertThat(broken(ObjectKind.CREATIVE, creative, c -> c.put("deeplink", "market://details?id=com.shop"))).isEmpty();
        assertThat(broken(ObjectKind.CREATIVE, creative, c -> c.put("deeplink", "ShopApp://sale"))).isEmpty();
    }

    @Test
    void rulesShouldRefuseToLoadWhenTheAllowlistNamesANeverScheme(@TempDir Path dir) throws Exception {
        for (String file : new String[] {CatalogRules.FORMATS_FILE, CatalogRules.INDUSTRIES_FILE}) {
            Files.copy(CONFIG_DIR.resolve(file), dir.resolve(file));
        }
        Path formats = dir.resolve(CatalogRules.FORMATS_FILE);
        Files.writeString(formats, Files.readString(formats).replace("deeplinkSchemes: [https,", "deeplinkSchemes: [JavaScript, https,"));

        assertThatThrownBy(() -> CatalogRules.load(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("deeplinkSchemes: javascript is never allowed");
    }

    @Test
    void moneyThatCouldOverflowAndNegativeVersionsOrIdsShouldBeRefusedNamingTheField() {
        ObjectNode account = ObjectKind.toJson(sample.account(1));
        assertThat(catchThrowable(() -> ObjectKind.ACCOUNT.parse(account.deepCopy().put("balanceMicros", Long.MAX_VALUE - 1), "")))
                .hasMessageStartingWith("balanceMicros: must be -100000000000000000..100000000000000000");
        assertThat(catchThrowable(() -> ObjectKind.ACCOUNT.parse(account.deepCopy().put("creditLimitMicros", Long.MAX_VALUE / 2), "")))
                .hasMessageStartingWith("creditLimitMicros: must be 0..100000000000000000");
        assertThat(catchThrowable(() -> ObjectKind.ACCOUNT.parse(account.deepCopy().put("version", -1), "")))
                .hasMessage("version: must be 0..9223372036854775807, was -1");
        ObjectNode group = ObjectKind.toJson(sample.adGroup(100));
        ((ObjectNode) group.get("budget")).put("totalMicros", Long.MAX_VALUE);
        assertThat(catchThrowable(() -> ObjectKind.AD_GROUP.parse(group, ""))).hasMessageStartingWith("budget.totalMicros: must be 0..");
        ObjectNode pinned = ObjectKind.toJson(sample.adGroup(100));
        pinned.putArray("adSpaceIds").add(0);
        assertThat(catchThrowable(() -> ObjectKind.AD_GROUP.parse(pinned, ""))).hasMessage("adSpaceIds[0]: must be an integer id of at least 1");
        ObjectNode space = ObjectKind.toJson(sample.adSpace(101)).put("floorCpmMicros", Long.MAX_VALUE);
        assertThat(catchThrowable(() -> ObjectKind.AD_SPACE.parse(space, ""))).hasMessageStartingWith("floorCpmMicros: must be 0..");
        assertThat(catchThrowable(() -> ObjectKind.AUDIENCE.parse(JSON.createObjectNode().put("id", 7).put("version", -2), "")))
                .hasMessage("version: must be an integer of at least 0");
    }

    static Stream<Arguments> adGroupRules() {
        return Stream.of(
                Arguments.of("daily above total", (Consumer<ObjectNode>) g -> ((ObjectNode) g.get("budget")).put("totalMicros", 100).put("dailyMicros", 200),
                        "budget.dailyMicros", "must not be above budget.totalMicros (100), was 200"),
                Arguments.of("age below minimum", (Consumer<ObjectNode>) g -> ((ObjectNode) g.get("targeting")).putObject("age").put("min", 5).put("max", 30),
                        "targeting.age", "must be a range within 13..100, was 5..30"),
                Arguments.of("no hour in dayparting", (Consumer<ObjectNode>) g -> ((ObjectNode) g.get("schedule")).putObject("dayparting").putArray("MON"),
                        "schedule.dayparting", "must allow at least one hour of the week"),
                Arguments.of("unknown campaign", (Consumer<ObjectNode>) g -> g.put("campaignId", 55), "campaignId", "no campaign with id 55"),
                Arguments.of("unknown ad space", (Consumer<ObjectNode>) g -> g.putArray("adSpaceIds").add(4242), "adSpaceIds", "no ad space with id 4242"),
                Arguments.of("unknown audience", (Consumer<ObjectNode>) g -> ((ObjectNode) g.get("targeting")).putObject("audiences").putArray("include").add(8),
                        "targeting.audiences.include", "no audience with id 8"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("adGroupRules")
    void adGroupShouldBeRefusedWhenItBreaksARule(String rule, Consumer<ObjectNode> breakIt, String field, String message) {
        List<Problem> problems = broken(ObjectKind.AD_GROUP, sample.adGroup(100), breakIt);

        assertThat(problems).contains(new Problem(field, message));
    }

    @Test
    void adGroupTimeZoneAndBidRangesShouldBeRefusedAtParseTime() {
        ObjectNode g = ObjectKind.toJson(sample.adGroup(100));
        ((ObjectNode) g.get("schedule")).put("utcOffsetHours", 13);

        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> ObjectKind.AD_GROUP.parse(g, "")))
                .hasMessage("schedule.utcOffsetHours: must be -12..12, was 13");
        ((ObjectNode) g.get("schedule")).put("utcOffsetHours", 0);
        ((ObjectNode) g.get("bid")).put("amountMicros", 0);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> ObjectKind.AD_GROUP.parse(g, "")))
                .hasMessageStartingWith("bid.amountMicros: must be 1..");
    }

    @Test
    void individualAccountShouldBeRefused() {
        List<Problem> problems = broken(ObjectKind.ACCOUNT, sample.account(1), a -> a.put("type", "INDIVIDUAL"));

        assertThat(problems).contains(new Problem("type", "individual accounts are not accepted; open the account for a company (seed 000 §1)"));
    }

    @Test
    void specialIndustryAccountShouldNeedItsCommitmentLetter() {
        List<Problem> problems = broken(ObjectKind.ACCOUNT, sample.account(1), a -> a.put("industry", "cosmetics"));

        assertThat(problems).contains(new Problem("commitmentLetterOnFile",
                "industry \"cosmetics\" needs the Industry Promotion Commitment Letter on file (seed 000 §4.5)"));
        assertThat(broken(ObjectKind.ACCOUNT, sample.account(1), a -> a.put("industry", "cosmetics").put("commitmentLetterOnFile", true))).isEmpty();
    }

    @Test
    void financialPromotionShouldNeedTheLandingPageRiskWarning() {
        ObjectNode account = ObjectKind.toJson(sample.account(1)).put("industry", "financial-services").put("commitmentLetterOnFile", true);
        Object financialAccount = ObjectKind.ACCOUNT.parse(account, "");
        CatalogRules.References refs = (kind, id) -> kind == ObjectKind.ACCOUNT && id == 1 ? financialAccount : refs().find(kind, id);
        ObjectNode creative = ObjectKind.toJson(sample.creatives().iterator().next());

        List<Problem> problems = rules.check(ObjectKind.CREATIVE.parse(creative, ""), refs);

        assertThat(problems).contains(new Problem("landingPageRiskWarning",
                "financial promotions need the complete risk warning statement on the landing page (seed 000 §1.2.5)"));
        assertThat(rules.check(ObjectKind.CREATIVE.parse(creative.put("landingPageRiskWarning", true), ""), refs)).isEmpty();
    }

    @Test
    void campaignShouldBeRefusedWhenItsAccountDoesNotExist() {
        assertThat(broken(ObjectKind.CAMPAIGN, sample.campaign(10), c -> c.put("accountId", 404)))
                .containsExactly(new Problem("accountId", "no account with id 404"));
    }

    @Test
    void everyProblemShouldBeReportedAtOnce() {
        List<Problem> problems = broken(ObjectKind.CREATIVE, sample.creatives().iterator().next(), c -> {
            c.put("clickUrl", "ftp://x");
            c.withArray("titles").set(0, "t".repeat(40));
            c.put("adGroupId", 999);
        });

        assertThat(problems).extracting(Problem::field).contains("clickUrl", "titles[0]", "adGroupId");
    }
}
