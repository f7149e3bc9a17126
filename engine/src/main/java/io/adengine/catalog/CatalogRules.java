package io.adengine.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.adengine.model.Account;
import io.adengine.model.AccountType;
import io.adengine.model.AdGroup;
import io.adengine.model.AdSpace;
import io.adengine.model.Asset;
import io.adengine.model.Campaign;
import io.adengine.model.Creative;
import io.adengine.model.CreativeFormat;
import io.adengine.model.Eligibility;
import io.adengine.model.Schedule;
import io.adengine.model.VideoAd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The business rules an object must pass before the catalog accepts it: creative format limits (seed 001
 * §3.1.3), ad group budgets, bids, schedule and ages, references to existing objects, and the account and
 * industry rules of seed 000, and what the URLs of a creative may hold (http(s) only, no control characters;
 * deeplinks from an allowlist of schemes). The limits, the deeplink schemes and industry lists are data
 * ({@code config/creative-formats.yaml}, {@code config/industries.yaml}). Every problem is reported, not just the first. Used by the admin API and
 * by the loader's offline {@code validate}.
 */
public final class CatalogRules {

    /** File names of the rule data inside the config folder. */
    public static final String FORMATS_FILE = "creative-formats.yaml";
    public static final String INDUSTRIES_FILE = "industries.yaml";
    /** The youngest and oldest age an ad group may target. */
    public static final int MIN_AGE = 13;
    public static final int MAX_AGE = 100;

    /** What the rules look objects up in: the store, a batch in progress, or an export being validated. */
    @FunctionalInterface
    public interface References {
        /** The object of this kind and id, or {@code null} when there is none. */
        Object find(ObjectKind kind, long id);
    }

    /** Limits on one kind of asset. {@code 0} width/height: any size; {@code 0} maxBytes / duration: no limit. */
    record AssetLimit(int max, int width, int height, long maxBytes, long maxDurationMillis) {
        static final AssetLimit NONE = new AssetLimit(0, 0, 0, 0, 0);
    }

    /** Limits on one kind of text: how many and how long. */
    record TextLimit(int max, int maxLength) {
        static final TextLimit NONE = new TextLimit(0, 0);
    }

    /** All limits of one creative format. */
    record FormatLimits(AssetLimit images, AssetLimit videos, AssetLimit icon, TextLimit titles, TextLimit descriptions,
                        TextLimit buttons) {
    }

    /** Deeplink schemes refused whatever {@code deeplinkSchemes} says: they run code or read files in the app or browser. */
    public static final Set<String> NEVER_DEEPLINK_SCHEMES = Set.of("javascript", "data", "file", "vbscript");
    /** The deeplink schemes when {@value #FORMATS_FILE} names none. */
    public static final Set<String> DEFAULT_DEEPLINK_SCHEMES = Set.of("http", "https");

    private final Map<CreativeFormat, FormatLimits> formats;
    private final Set<String> specialIndustries;
    private final Set<String> financialIndustries;
    private final Set<String> deeplinkSchemes;

    CatalogRules(Map<CreativeFormat, FormatLimits> formats, Set<String> specialIndustries, Set<String> financialIndustries,
                 Set<String> deeplinkSchemes) {
        this.formats = formats;
        this.specialIndustries = specialIndustries;
        this.financialIndustries = financialIndustries;
        this.deeplinkSchemes = deeplinkSchemes;
    }

    /** Loads the rules from {@value #FORMATS_FILE} and {@value #INDUSTRIES_FILE} in a config folder. */
    public static CatalogRules load(Path configDir) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        Path formatsFile = configDir.resolve(FORMATS_FILE);
        Path industriesFile = configDir.resolve(INDUSTRIES_FILE);
        if (!Files.isRegularFile(formatsFile) || !Files.isRegularFile(industriesFile)) {
            throw new IOException("rule files " + FORMATS_FILE + " and " + INDUSTRIES_FILE + " are required in " + configDir);
        }
        JsonNode f = yaml.readTree(formatsFile.toFile());
        JsonNode defaults = f.path("defaults");
        Map<CreativeFormat, FormatLimits> formats = new EnumMap<>(CreativeFormat.class);
        JsonNode list = f.path("formats");
        for (Iterator<String> it = list.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            CreativeFormat format;
            try {
                format = CreativeFormat.valueOf(name);
            } catch (IllegalArgumentException e) {
                throw new IOException(formatsFile + ": formats." + name + ": unknown creative format");
            }
            JsonNode n = list.get(name);
            formats.put(format, new FormatLimits(asset(n.get("images")), asset(n.get("videos")),
                    n.has("icon") ? asset(n.get("icon")) : null,
                    text(n.has("titles") ? n.get("titles") : defaults.get("titles")),
                    text(n.has("descriptions") ? n.get("descriptions") : defaults.get("descriptions")),
                    text(n.get("buttons"))));
        }
        for (CreativeFormat format : CreativeFormat.values()) {
            if (!formats.containsKey(format)) {
                throw new IOException(formatsFile + ": formats." + format + " is missing");
            }
        }
        Set<String> schemes = f.has("deeplinkSchemes") ? lowerSet(f.path("deeplinkSchemes")) : DEFAULT_DEEPLINK_SCHEMES;
        for (String scheme : schemes) {
            if (NEVER_DEEPLINK_SCHEMES.contains(scheme)) {
                throw new IOException(formatsFile + ": deeplinkSchemes: " + scheme + " is never allowed (it runs code or reads local files)");
            }
            if (!isScheme(scheme)) {
                throw new IOException(formatsFile + ": deeplinkSchemes: \"" + scheme + "\" is not a URI scheme (letters, digits, + - .)");
            }
        }
        JsonNode i = yaml.readTree(industriesFile.toFile());
        return new CatalogRules(formats, lowerSet(i.path("specialIndustries")), lowerSet(i.path("financialIndustries")), schemes);
    }

    private static AssetLimit asset(JsonNode n) {
        if (n == null) {
            return AssetLimit.NONE;
        }
        return new AssetLimit(n.path("max").asInt(1), n.path("width").asInt(0), n.path("height").asInt(0),
                n.path("maxBytes").asLong(0), n.path("maxDurationMillis").asLong(0));
    }

    private static TextLimit text(JsonNode n) {
        return n == null ? TextLimit.NONE : new TextLimit(n.path("max").asInt(0), n.path("maxLength").asInt(0));
    }

    private static Set<String> lowerSet(JsonNode arr) {
        Set<String> set = new HashSet<>();
        arr.forEach(v -> set.add(v.asText().trim().toLowerCase(Locale.ROOT)));
        return Set.copyOf(set);
    }

    /** Every problem of one object given what else exists; empty when it may be accepted. */
    public List<Problem> check(Object value, References refs) {
        List<Problem> problems = new ArrayList<>();
        if (value instanceof Account a) {
            account(a, problems);
        } else if (value instanceof Campaign c) {
            if (refs.find(ObjectKind.ACCOUNT, c.accountId()) == null) {
                problems.add(new Problem("accountId", "no account with id " + c.accountId()));
            }
        } else if (value instanceof AdGroup g) {
            adGroup(g, refs, problems);
        } else if (value instanceof Creative c) {
            creative(c, refs, problems);
        } else if (value instanceof AdSpace s) {
            if (s.formats().isEmpty()) {
                problems.add(new Problem("formats", "must name at least one creative format"));
            }
        } else if (value instanceof Audience a) {
            if (a.name().isBlank()) {
                problems.add(new Problem("name", "is required"));
            }
            if (a.regionCluster().isBlank()) {
                problems.add(new Problem("regionCluster", "is required"));
            }
        }
        return problems;
    }

    private void account(Account a, List<Problem> problems) {
        if (a.type() == AccountType.INDIVIDUAL) {
            problems.add(new Problem("type", "individual accounts are not accepted; open the account for a company (seed 000 §1)"));
        }
        if (a.company().isBlank()) {
            problems.add(new Problem("company", "is required: the registered company name"));
        }
        if (specialIndustries.contains(a.industry()) && !a.commitmentLetterOnFile()) {
            problems.add(new Problem("commitmentLetterOnFile", "industry \"" + a.industry()
                    + "\" needs the Industry Promotion Commitment Letter on file (seed 000 §4.5)"));
        }
    }

    private void adGroup(AdGroup g, References refs, List<Problem> problems) {
        if (refs.find(ObjectKind.CAMPAIGN, g.campaignId()) == null) {
            problems.add(new Problem("campaignId", "no campaign with id " + g.campaignId()));
        }
        long total = g.budget().totalMicros();
        long daily = g.budget().dailyMicros();
        if (total > 0 && daily > total) {
            problems.add(new Problem("budget.dailyMicros", "must not be above budget.totalMicros (" + total + "), was " + daily));
        }
        if (g.bid().amountMicros() <= 0) {
            problems.add(new Problem("bid.amountMicros", "must be above 0"));
        }
        Schedule s = g.schedule();
        if (s.end() != null && !s.end().isAfter(s.start())) {
            problems.add(new Problem("schedule.end", "must come after schedule.start"));
        }
        boolean anyHour = false;
        for (int h = 0; h < 7 * 24 && !anyHour; h++) {
            anyHour = s.hours().contains(h);
        }
        if (!anyHour) {
            problems.add(new Problem("schedule.dayparting", "must allow at least one hour of the week"));
        }
        if (!g.targeting().age().isAny()) {
            int min = g.targeting().age().min();
            int max = g.targeting().age().max();
            if (min < MIN_AGE || max > MAX_AGE || min > max) {
                problems.add(new Problem("targeting.age", "must be a range within " + MIN_AGE + ".." + MAX_AGE + ", was " + min + ".." + max));
            }
        }
        for (long space : g.adSpaceIds()) {
            if (refs.find(ObjectKind.AD_SPACE, space) == null) {
                problems.add(new Problem("adSpaceIds", "no ad space with id " + space));
            }
        }
        for (long audience : g.targeting().includeAudiences()) {
            if (refs.find(ObjectKind.AUDIENCE, audience) == null) {
                problems.add(new Problem("targeting.audiences.include", "no audience with id " + audience));
            }
        }
        for (long audience : g.targeting().excludeAudiences()) {
            if (refs.find(ObjectKind.AUDIENCE, audience) == null) {
                problems.add(new Problem("targeting.audiences.exclude", "no audience with id " + audience));
            }
        }
    }

    private void creative(Creative c, References refs, List<Problem> problems) {
        Object group = refs.find(ObjectKind.AD_GROUP, c.adGroupId());
        if (group == null) {
            problems.add(new Problem("adGroupId", "no ad group with id " + c.adGroupId()));
        } else if (!c.landingPageRiskWarning() && isFinancial((AdGroup) group, refs)) {
            problems.add(new Problem("landingPageRiskWarning",
                    "financial promotions need the complete risk warning statement on the landing page (seed 000 §1.2.5)"));
        }
        if (c.clickUrl() == null || c.clickUrl().isBlank()) {
            problems.add(new Problem("clickUrl", "is required"));
        } else if (!Eligibility.isHttpUrl(c.clickUrl())) {
            problems.add(new Problem("clickUrl", "must be an http:// or https:// URL"));
        } else {
            noControlCharacters("clickUrl", c.clickUrl(), problems);
        }
        if (c.deeplink() != null) {
            deeplink(c.deeplink(), problems);
        }
        urls("impressionTrackers", c.impressionTrackers(), problems);
        urls("videoTrackers", c.videoTrackers(), problems);
        FormatLimits limits = formats.get(c.format());
        texts("titles", c.titles(), limits.titles(), problems);
        if (c.titles().isEmpty()) {
            problems.add(new Problem("titles", "needs at least one title"));
        }
        texts("descriptions", c.descriptions(), limits.descriptions(), problems);
        texts("buttons", c.buttons(), limits.buttons(), problems);
        assets("images", c.images(), limits.images(), c.format(), problems);
        assets("videos", c.videos(), limits.videos(), c.format(), problems);
        if (c.vast() != null) {
            vast(c.vast(), limits.videos(), c.format(), problems);
        }
        if (c.icon() != null) {
            if (limits.icon() == null) {
                problems.add(new Problem("icon", "format " + c.format() + " takes no icon"));
            } else {
                asset("icon", c.icon(), limits.icon(), problems);
            }
        }
    }

    /** Most media files, verifications and third-party event trackers one VAST creative may carry. */
    static final int MAX_VAST_ITEMS = 10;
    /** Longest verification vendor key and parameters. */
    static final int MAX_VENDOR_LENGTH = 256;
    static final int MAX_VERIFICATION_PARAMETERS_LENGTH = 4096;

    /**
     * A creative's VAST section: only for formats that take videos; duration within the format's limit;
     * 1..10 media files with an http(s) URL, a MIME type ({@code type/subtype}) and a size; a skip offset within
     * the video; verifications with a vendor and an http(s) script; third-party event trackers with http(s) URLs.
     */
    private static void vast(VideoAd v, AssetLimit videoLimit, CreativeFormat format, List<Problem> problems) {
        if (videoLimit.max() == 0) {
            problems.add(new Problem("vast", "format " + format + " takes no video"));
            return;
        }
        if (videoLimit.maxDurationMillis() > 0 && v.durationMillis() > videoLimit.maxDurationMillis()) {
            problems.add(new Problem("vast.durationMillis", "must be at most " + videoLimit.maxDurationMillis() + " ms, was "
                    + v.durationMillis()));
        }
        if (v.skipOffsetMillis() != VideoAd.NOT_SKIPPABLE && v.skipOffsetMillis() > v.durationMillis()) {
            problems.add(new Problem("vast.skipOffsetMillis", "must be at most durationMillis (" + v.durationMillis() + "), was "
                    + v.skipOffsetMillis()));
        }
        if (v.mediaFiles().isEmpty()) {
            problems.add(new Problem("vast.mediaFiles", "needs at least one media file"));
        } else if (v.mediaFiles().size() > MAX_VAST_ITEMS) {
            problems.add(new Problem("vast.mediaFiles", "at most " + MAX_VAST_ITEMS + " allowed, was " + v.mediaFiles().size()));
        }
        for (int i = 0; i < v.mediaFiles().size(); i++) {
            VideoAd.MediaFile m = v.mediaFiles().get(i);
            String field = "vast.mediaFiles[" + i + "]";
            url(field + ".url", m.url(), problems);
            if (!isMimeType(m.mimeType())) {
                problems.add(new Problem(field + ".type", "must be a MIME type such as video/mp4 (type/subtype, ASCII letters, digits, "
                        + "+ - . _), was \"" + shown(m.mimeType()) + "\""));
            }
        }
        if (v.verifications().size() > MAX_VAST_ITEMS) {
            problems.add(new Problem("vast.verifications", "at most " + MAX_VAST_ITEMS + " allowed, was " + v.verifications().size()));
        }
        for (int i = 0; i < v.verifications().size(); i++) {
            VideoAd.Verification r = v.verifications().get(i);
            String field = "vast.verifications[" + i + "]";
            if (r.vendor().isBlank() || r.vendor().length() > MAX_VENDOR_LENGTH) {
                problems.add(new Problem(field + ".vendor", "must be 1.." + MAX_VENDOR_LENGTH + " characters, not blank"));
            } else {
                noControlCharacters(field + ".vendor", r.vendor(), problems);
            }
            url(field + ".javascriptUrl", r.javascriptUrl(), problems);
            if (r.parameters() != null && r.parameters().length() > MAX_VERIFICATION_PARAMETERS_LENGTH) {
                problems.add(new Problem(field + ".parameters", "must be at most " + MAX_VERIFICATION_PARAMETERS_LENGTH
                        + " characters, was " + r.parameters().length()));
            }
        }
        if (v.trackingEvents().size() > MAX_VAST_ITEMS) {
            problems.add(new Problem("vast.trackingEvents", "at most " + MAX_VAST_ITEMS + " allowed, was " + v.trackingEvents().size()));
        }
        for (int i = 0; i < v.trackingEvents().size(); i++) {
            url("vast.trackingEvents[" + i + "].url", v.trackingEvents().get(i).url(), problems);
        }
    }

    private static void url(String field, String url, List<Problem> problems) {
        if (!Eligibility.isHttpUrl(url)) {
            problems.add(new Problem(field, "must be an http:// or https:// URL"));
        } else {
            noControlCharacters(field, url, problems);
        }
    }

    /** {@code type/subtype}, each 1..64 of ASCII letters, digits and {@code + - . _}. */
    static boolean isMimeType(String s) {
        int slash = s.indexOf('/');
        if (slash < 1 || slash > 64 || s.length() - slash - 1 < 1 || s.length() - slash - 1 > 64) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = isAsciiLetter(c) || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.' || c == '_' || i == slash;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String shown(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(40).forEach(cp -> b.appendCodePoint(cp < 0x20 || cp == 0x7f ? '?' : cp));
        return b.toString();
    }

    private boolean isFinancial(AdGroup group, References refs) {
        Campaign campaign = (Campaign) refs.find(ObjectKind.CAMPAIGN, group.campaignId());
        Account account = campaign == null ? null : (Account) refs.find(ObjectKind.ACCOUNT, campaign.accountId());
        return account != null && financialIndustries.contains(account.industry());
    }

    private static void urls(String field, List<String> urls, List<Problem> problems) {
        for (int i = 0; i < urls.size(); i++) {
            if (!Eligibility.isHttpUrl(urls.get(i))) {
                problems.add(new Problem(field + "[" + i + "]", "must be an http:// or https:// URL"));
            } else {
                noControlCharacters(field + "[" + i + "]", urls.get(i), problems);
            }
        }
    }

    /**
     * A deeplink: not blank, no control characters, and a scheme from {@code deeplinkSchemes} (never
     * {@link #NEVER_DEEPLINK_SCHEMES}). The SDK opens it in the app, and the click redirect sends it in a header.
     */
    private void deeplink(String link, List<Problem> problems) {
        if (link.isBlank()) {
            problems.add(new Problem("deeplink", "must be left out or not blank"));
            return;
        }
        if (!noControlCharacters("deeplink", link, problems)) {
            return;
        }
        int colon = link.indexOf(':');
        String scheme = colon > 0 ? link.substring(0, colon).toLowerCase(Locale.ROOT) : "";
        if (!isScheme(scheme)) {
            problems.add(new Problem("deeplink", "must start with a URI scheme such as myapp: (letters, digits, + - . before the colon)"));
        } else if (NEVER_DEEPLINK_SCHEMES.contains(scheme)) {
            problems.add(new Problem("deeplink", scheme + ": deeplinks are never accepted (they run code or read local files)"));
        } else if (!deeplinkSchemes.contains(scheme)) {
            problems.add(new Problem("deeplink", "scheme " + scheme + ": is not allowed; allowed are " + new java.util.TreeSet<>(deeplinkSchemes)
                    + " (deeplinkSchemes in " + FORMATS_FILE + ")"));
        }
    }

    /** RFC 3986: a letter, then letters, digits, '+', '-' or '.'. */
    private static boolean isScheme(String s) {
        if (s.isEmpty() || !isAsciiLetter(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    /**
     * Refuses CR, LF, NUL and every other control character (below 0x20, and 0x7f): URLs end up in HTTP headers
     * (the click redirect's Location), where CR/LF would split the answer and Netty refuses them mid-click.
     * Returns whether the text is clean.
     */
    private static boolean noControlCharacters(String field, String text, List<Problem> problems) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                problems.add(new Problem(field, "must not contain control characters (CR, LF, NUL, tab, any below 0x20, or 0x7f): 0x"
                        + Integer.toHexString(c) + " at index " + i));
                return false;
            }
        }
        return true;
    }

    private static void texts(String field, List<String> values, TextLimit limit, List<Problem> problems) {
        if (values.size() > limit.max()) {
            problems.add(new Problem(field, limit.max() == 0 ? "this format takes no " + field
                    : "at most " + limit.max() + " allowed, was " + values.size()));
        }
        for (int i = 0; i < values.size(); i++) {
            int length = values.get(i).codePointCount(0, values.get(i).length());
            if (limit.max() > 0 && length > limit.maxLength()) {
                problems.add(new Problem(field + "[" + i + "]", "must be at most " + limit.maxLength() + " characters, was " + length));
            }
            if (values.get(i).isBlank()) {
                problems.add(new Problem(field + "[" + i + "]", "must not be blank"));
            }
        }
    }

    private static void assets(String field, List<Asset> values, AssetLimit limit, CreativeFormat format, List<Problem> problems) {
        if (values.size() > limit.max()) {
            problems.add(new Problem(field, limit.max() == 0 ? "format " + format + " takes no " + field
                    : "at most " + limit.max() + " allowed, was " + values.size()));
        }
        for (int i = 0; i < values.size(); i++) {
            asset(field + "[" + i + "]", values.get(i), limit, problems);
        }
    }

    private static void asset(String field, Asset a, AssetLimit limit, List<Problem> problems) {
        if (!Eligibility.isHttpUrl(a.url())) {
            problems.add(new Problem(field + ".url", "must be an http:// or https:// URL"));
        } else {
            noControlCharacters(field + ".url", a.url(), problems);
        }
        if (limit.width() > 0 && (a.width() != limit.width() || a.height() != limit.height())) {
            problems.add(new Problem(field, "must be " + limit.width() + "x" + limit.height() + " pixels, was " + a.width() + "x" + a.height()));
        }
        if (limit.maxBytes() > 0 && a.bytes() > limit.maxBytes()) {
            problems.add(new Problem(field + ".bytes", "must be at most " + limit.maxBytes() + " bytes, was " + a.bytes()));
        }
        if (limit.maxDurationMillis() > 0 && a.durationMillis() > limit.maxDurationMillis()) {
            problems.add(new Problem(field + ".durationMillis", "must be at most " + limit.maxDurationMillis() + " ms, was " + a.durationMillis()));
        }
    }
}
