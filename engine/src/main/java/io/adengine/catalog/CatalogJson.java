package io.adengine.catalog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adengine.model.Account;
import io.adengine.model.AccountStatus;
import io.adengine.model.AccountType;
import io.adengine.model.AdGroup;
import io.adengine.model.AdSpace;
import io.adengine.model.AgeRange;
import io.adengine.model.AppChannel;
import io.adengine.model.Asset;
import io.adengine.model.Bid;
import io.adengine.model.BidModel;
import io.adengine.model.Budget;
import io.adengine.model.AdvertiserDomain;
import io.adengine.model.Campaign;
import io.adengine.model.Catalog;
import io.adengine.model.ContentCategory;
import io.adengine.model.Creative;
import io.adengine.model.CreativeFormat;
import io.adengine.model.Currency;
import io.adengine.model.Dimension;
import io.adengine.model.Eligibility;
import io.adengine.model.FrequencyCap;
import io.adengine.model.Gender;
import io.adengine.model.HoursOfWeek;
import io.adengine.model.IncludeExclude;
import io.adengine.model.InstallStateTarget;
import io.adengine.model.LocalZone;
import io.adengine.model.Objective;
import io.adengine.model.OsVersionRange;
import io.adengine.model.PaymentMode;
import io.adengine.model.PlacementType;
import io.adengine.model.PromotedApp;
import io.adengine.model.PromotionTarget;
import io.adengine.model.ReviewStatus;
import io.adengine.model.Schedule;
import io.adengine.model.Targeting;
import io.adengine.model.VideoAd;
import io.adengine.model.VideoEvent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reads and writes the catalog's JSON document (format in the engine README). Reading validates types
 * and ranges and names the offending field path in a {@link CatalogFormatException}; the business
 * rules of serving live in {@link Eligibility}.
 */
public final class CatalogJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[] DAYS = {"MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"};
    private static final String DOMAIN = "a domain name like example.com (no scheme, no path)";
    private static final String CATEGORY = "an IAB content category like IAB7 or IAB7-12";
    private static final String PACKAGE = "an app package name like com.example.app";

    private CatalogJson() {
    }

    /** Reads a catalog file. */
    public static Catalog read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    /**
     * Reads a catalog document, streaming: only one entity at a time is held as a JSON tree (a whole
     * workload-M catalog as a tree took several times the heap of the catalog it describes).
     */
    public static Catalog read(InputStream in) throws IOException {
        try (JsonParser p = MAPPER.getFactory().createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new CatalogFormatException("$", "the catalog must be a JSON object");
            }
            ObjectNode top = MAPPER.createObjectNode();
            List<Account> accounts = List.of();
            List<Campaign> campaigns = List.of();
            List<AdGroup> adGroups = List.of();
            List<Creative> creatives = List.of();
            List<AdSpace> adSpaces = List.of();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "accounts" -> accounts = list(p, field, CatalogJson::account);
                    case "campaigns" -> campaigns = list(p, field, CatalogJson::campaign);
                    case "adGroups" -> adGroups = list(p, field, CatalogJson::adGroup);
                    case "creatives" -> creatives = list(p, field, CatalogJson::creative);
                    case "adSpaces" -> adSpaces = list(p, field, CatalogJson::adSpace);
                    case "version" -> top.set(field, MAPPER.readTree(p));
                    default -> p.skipChildren();
                }
            }
            return new Catalog(new JsonFields(top, "").version(), accounts, campaigns, adGroups, creatives, adSpaces);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CatalogFormatException("$", "malformed JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr());
        }
    }

    /** The entities of the array the parser is at, each read as a small tree and parsed like {@link JsonFields#list}. */
    private static <T> List<T> list(JsonParser p, String field, Function<JsonFields, T> parse) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return List.of();
        }
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new CatalogFormatException(field, "must be an array");
        }
        List<T> list = new ArrayList<>();
        for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
            String itemPath = field + "[" + i + "]";
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new CatalogFormatException(itemPath, "must be an object");
            }
            list.add(JsonFields.item(MAPPER.readTree(p), itemPath, parse));
        }
        return list;
    }

    /** Reads a catalog document already parsed into a tree (unknown top-level keys are ignored). */
    public static Catalog read(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new CatalogFormatException("$", "the catalog must be a JSON object");
        }
        JsonFields r = new JsonFields(root, "");
        return new Catalog(
                r.version(),
                r.list("accounts", CatalogJson::account),
                r.list("campaigns", CatalogJson::campaign),
                r.list("adGroups", CatalogJson::adGroup),
                r.list("creatives", CatalogJson::creative),
                r.list("adSpaces", CatalogJson::adSpace));
    }

    private static Account account(JsonFields n) {
        return new Account(n.id(), n.version(), n.text("name", ""),
                n.enumValue("type", AccountType.class, AccountType.ADVERTISER), n.text("company", ""),
                n.text("industry", "").toLowerCase(Locale.ROOT), n.enumValue("currency", Currency.class, null),
                n.enumValue("status", AccountStatus.class, null),
                n.enumValue("paymentMode", PaymentMode.class, PaymentMode.PREPAID),
                n.signedMoney("balanceMicros"), n.money("creditLimitMicros"),
                n.bool("commitmentLetterOnFile", false));
    }

    private static Campaign campaign(JsonFields n) {
        return new Campaign(n.id(), n.version(), n.requiredLong("accountId"), n.text("name", ""),
                n.enumValue("objective", Objective.class, Objective.PERFORMANCE),
                n.enumValue("promotion", PromotionTarget.class, PromotionTarget.NON_DOWNLOAD),
                n.bool("enabled", true), n.canonicalText("advertiserDomain", AdvertiserDomain::normalize, DOMAIN),
                frequencyCaps(n));
    }

    /** {@code frequencyCaps: [{"event": "IMPRESSION"|"CLICK", "max": N, "windowSeconds": S}]}, at most four. */
    private static List<FrequencyCap> frequencyCaps(JsonFields n) {
        List<FrequencyCap> caps = n.list("frequencyCaps", c -> new FrequencyCap(c.enumValue("event", FrequencyCap.Event.class, null),
                (int) c.range("max", 1, FrequencyCap.MAX_COUNT),
                checkWindow(c, c.range("windowSeconds", 0, FrequencyCap.MAX_WINDOW_SECONDS))));
        try {
            return FrequencyCap.checked(caps);
        } catch (IllegalArgumentException e) {
            throw new CatalogFormatException(n.path("frequencyCaps"), e.getMessage());
        }
    }

    private static long checkWindow(JsonFields c, long window) {
        if (window != FrequencyCap.LIFETIME && window < FrequencyCap.MIN_WINDOW_SECONDS) {
            throw new CatalogFormatException(c.path("windowSeconds"), "must be 0 (lifetime) or " + FrequencyCap.MIN_WINDOW_SECONDS + ".."
                    + FrequencyCap.MAX_WINDOW_SECONDS);
        }
        return window;
    }

    private static void writeFrequencyCaps(ObjectNode o, List<FrequencyCap> caps) {
        if (caps.isEmpty()) {
            return;
        }
        ArrayNode list = o.putArray("frequencyCaps");
        for (FrequencyCap c : caps) {
            list.addObject().put("event", c.event().name()).put("max", c.max()).put("windowSeconds", c.windowSeconds());
        }
    }


    private static AdGroup adGroup(JsonFields n) {
        JsonFields app = n.child("app");
        PromotedApp promoted = app == null ? null
                : new PromotedApp(app.requiredText("packageName"), app.enumValue("channel", AppChannel.class, AppChannel.GETAPPS));
        Set<PlacementType> placements = n.enumSet("placements", PlacementType.class);
        if (placements.isEmpty()) {
            throw new CatalogFormatException(n.path("placements"), "must name at least one placement type");
        }
        JsonFields bid = n.requiredChild("bid");
        JsonFields budget = n.child("budget");
        return new AdGroup(n.id(), n.version(), n.requiredLong("campaignId"), n.text("name", ""), promoted,
                n.enumValue("installState", InstallStateTarget.class, InstallStateTarget.ALL_USERS), placements,
                n.longSet("adSpaceIds"), n.longSet("publisherIds"), targeting(n.child("targeting")),
                schedule(n.requiredChild("schedule")),
                budget == null ? Budget.UNLIMITED
                        : new Budget(budget.money("totalMicros"), budget.money("dailyMicros")),
                new Bid(bid.enumValue("model", BidModel.class, null), bid.range("amountMicros", 1, Bid.MAX_MICROS)),
                n.enumValue("review", ReviewStatus.class, ReviewStatus.TO_BE_SUBMITTED),
                n.text("rejectReason", null), n.bool("deliveryOn", true),
                n.range("conversionWindowSeconds", AdGroup.CONVERSION_WINDOW_MIN_SECONDS, AdGroup.CONVERSION_WINDOW_MAX_SECONDS,
                        AdGroup.CONVERSION_WINDOW_DEFAULT_SECONDS),
                n.bool("viewThroughConversions", false), frequencyCaps(n), n.bool("capUnknownUsers", false),
                conversionEvents(n));
    }

    /** The goal event names: each as a postback's {@code event}, at most {@link AdGroup#CONVERSION_EVENTS_MAX}, no repeats. */
    private static List<String> conversionEvents(JsonFields n) {
        List<String> events = n.stringList("conversionEvents");
        if (events.size() > AdGroup.CONVERSION_EVENTS_MAX) {
            throw new CatalogFormatException(n.path("conversionEvents"), "must hold at most " + AdGroup.CONVERSION_EVENTS_MAX
                    + " event names, had " + events.size());
        }
        for (int i = 0; i < events.size(); i++) {
            String e = events.get(i);
            if (!AdGroup.EVENT_NAME.matcher(e).matches()) {
                throw new CatalogFormatException(n.path("conversionEvents") + "[" + i + "]",
                        "must be 1 to 64 letters, digits, '_', '.' or '-', was \"" + (e.length() > 80 ? e.substring(0, 80) + "…" : e) + "\"");
            }
            if (events.indexOf(e) < i) {
                throw new CatalogFormatException(n.path("conversionEvents") + "[" + i + "]", "repeats \"" + e + "\"");
            }
        }
        return events;
    }

    private static Targeting targeting(JsonFields n) {
        if (n == null) {
            return Targeting.ANY;
        }
        Map<Dimension, IncludeExclude> dims = new EnumMap<>(Dimension.class);
        for (Dimension d : Dimension.values()) {
            JsonFields rule = n.child(d.jsonName());
            if (rule != null) {
                dims.put(d, new IncludeExclude(rule.stringSet("include", d::normalize), rule.stringSet("exclude", d::normalize)));
            }
        }
        JsonFields os = n.child("osVersion");
        OsVersionRange osRange = OsVersionRange.ANY;
        if (os != null) {
            int min = os.version("min", 0);
            int max = os.version("max", Integer.MAX_VALUE);
            if (min > max) {
                throw new CatalogFormatException(os.path("min"), "must not be above osVersion.max");
            }
            osRange = new OsVersionRange(min, max);
        }
        JsonFields age = n.child("age");
        AgeRange ageRange = AgeRange.ANY;
        if (age != null) {
            int min = (int) age.range("min", 0, 200, 0);
            int max = (int) age.range("max", 0, 200, 200);
            if (min > max) {
                throw new CatalogFormatException(age.path("min"), "must not be above age.max");
            }
            ageRange = new AgeRange(min, max);
        }
        JsonFields audiences = n.child("audiences");
        return new Targeting(dims, osRange, n.enumSet("genders", Gender.class), ageRange,
                audiences == null ? Set.of() : audiences.longSet("include"),
                audiences == null ? Set.of() : audiences.longSet("exclude"));
    }

    private static Schedule schedule(JsonFields n) {
        LocalZone zone = zone(n);
        LocalDateTime start = n.localTime("start", true, false);
        LocalDateTime end = n.localTime("end", false, true);
        if (end != null && !end.isAfter(start)) {
            throw new CatalogFormatException(n.path("end"), "must come after schedule.start");
        }
        JsonFields parts = n.child("dayparting");
        HoursOfWeek hours = HoursOfWeek.ALL_DAY;
        if (parts != null) {
            List<Integer> list = new ArrayList<>();
            for (int day = 0; day < DAYS.length; day++) {
                JsonNode arr = parts.json.get(DAYS[day]);
                String path = parts.path(DAYS[day]);
                if (arr == null || arr.isNull()) {
                    continue;
                }
                if (!arr.isArray()) {
                    throw new CatalogFormatException(path, "must be an array of hours 0..23");
                }
                for (int i = 0; i < arr.size(); i++) {
                    JsonNode h = arr.get(i);
                    if (!h.isInt() || h.asInt() < 0 || h.asInt() > 23) {
                        throw new CatalogFormatException(path + "[" + i + "]", "must be an hour 0..23");
                    }
                    list.add(day * 24 + h.asInt());
                }
            }
            parts.json.fieldNames().forEachRemaining(name -> {
                if (!List.of(DAYS).contains(name)) {
                    throw new CatalogFormatException(parts.path(name), "unknown day; use MON..SUN");
                }
            });
            hours = HoursOfWeek.of(list.stream().mapToInt(Integer::intValue).toArray());
        }
        try {
            return new Schedule(zone, start, end, hours);
        } catch (IllegalArgumentException e) {
            throw new CatalogFormatException(n.path("start"), e.getMessage());
        }
    }

    /**
     * The schedule's time zone: {@code timeZone} (an IANA name like {@code Asia/Kolkata}, or an offset like
     * {@code +05:30}), else {@code utcOffsetMinutes}, else the older whole-hour {@code utcOffsetHours}; UTC by
     * default. Each one given must be valid; the first of them in that order is the zone.
     */
    private static LocalZone zone(JsonFields n) {
        int hours = (int) n.range("utcOffsetHours", -12, 12, 0);
        int minutes = (int) n.range("utcOffsetMinutes", -14 * 60, 14 * 60, hours * 60);
        String name = n.text("timeZone", null);
        try {
            return name != null ? LocalZone.parse(name) : LocalZone.ofOffsetMinutes(minutes);
        } catch (IllegalArgumentException e) {
            throw new CatalogFormatException(n.path(name != null ? "timeZone" : "utcOffsetMinutes"), e.getMessage());
        }
    }

    private static Creative creative(JsonFields n) {
        return new Creative(n.id(), n.version(), n.requiredLong("adGroupId"), n.text("name", ""),
                n.enumValue("format", CreativeFormat.class, null), n.stringList("titles"), n.stringList("descriptions"),
                n.stringList("buttons"), n.list("images", CatalogJson::asset), n.list("videos", CatalogJson::asset),
                n.child("icon") == null ? null : asset(n.child("icon")), n.text("clickUrl", null), n.text("deeplink", null),
                n.stringList("impressionTrackers"), n.stringList("videoTrackers"),
                n.enumValue("review", ReviewStatus.class, ReviewStatus.TO_BE_SUBMITTED),
                n.bool("landingPageRiskWarning", false), n.canonicalSet("categories", ContentCategory::normalize, CATEGORY),
                n.child("vast") == null ? null : vast(n.child("vast")));
    }

    /** A creative's {@code vast} section: what a VAST 4.2 answer needs ({@link VideoAd}). */
    private static VideoAd vast(JsonFields n) {
        return new VideoAd(n.range("durationMillis", 1, 3_600_000L),
                n.range("skipOffsetMillis", 0, 3_600_000L, VideoAd.NOT_SKIPPABLE),
                n.list("mediaFiles", m -> new VideoAd.MediaFile(m.requiredText("url"), m.requiredText("type"),
                        m.enumValue("delivery", VideoAd.Delivery.class, VideoAd.Delivery.PROGRESSIVE),
                        (int) m.range("width", 1, 100_000), (int) m.range("height", 1, 100_000),
                        (int) m.range("bitrateKbps", 0, 1_000_000, 0))),
                n.list("verifications", v -> new VideoAd.Verification(v.requiredText("vendor"), v.requiredText("javascriptUrl"),
                        v.text("parameters", null))),
                n.list("trackingEvents", t -> {
                    String name = t.requiredText("event");
                    VideoEvent event = VideoEvent.ofVastName(name);
                    if (event == null) {
                        throw new CatalogFormatException(t.path("event"), "unknown event \"" + name + "\"; one of start, firstQuartile, "
                                + "midpoint, thirdQuartile, complete, skip, close");
                    }
                    return new VideoAd.EventTracker(event, t.requiredText("url"));
                }));
    }

    private static Asset asset(JsonFields n) {
        return new Asset(n.requiredText("url"), (int) n.range("width", 0, 100_000, 0), (int) n.range("height", 0, 100_000, 0),
                n.nonNegative("bytes", 0), n.nonNegative("durationMillis", 0));
    }

    private static AdSpace adSpace(JsonFields n) {
        return new AdSpace(n.id(), n.version(), n.requiredLong("publisherId"), n.text("name", ""),
                n.enumValue("placement", PlacementType.class, null), n.enumSet("formats", CreativeFormat.class),
                n.money("floorCpmMicros"), n.canonicalSet("blockedDomains", AdvertiserDomain::normalize, DOMAIN),
                n.canonicalSet("blockedCategories", ContentCategory::normalize, CATEGORY),
                n.canonicalSet("blockedApps", AdvertiserDomain::packageName, PACKAGE), n.bool("childDirected", false));
    }

    /** Writes a catalog document that {@link #read} reads back to an equal catalog. */
    public static void write(Catalog catalog, OutputStream out) throws IOException {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", catalog.version());
        ArrayNode accounts = root.putArray("accounts");
        for (Account a : catalog.accounts()) {
            writeAccount(accounts.addObject(), a);
        }
        ArrayNode campaigns = root.putArray("campaigns");
        for (Campaign c : catalog.campaigns()) {
            writeCampaign(campaigns.addObject(), c);
        }
        ArrayNode groups = root.putArray("adGroups");
        for (AdGroup g : catalog.adGroups()) {
            writeAdGroup(groups.addObject(), g);
        }
        ArrayNode creatives = root.putArray("creatives");
        for (Creative c : catalog.creatives()) {
            writeCreative(creatives.addObject(), c);
        }
        ArrayNode spaces = root.putArray("adSpaces");
        for (AdSpace s : catalog.adSpaces()) {
            writeAdSpace(spaces.addObject(), s);
        }
        MAPPER.writeValue(out, root);
    }

    /**
     * Reads one catalog object of the given class ({@link Account}, {@link Campaign}, {@link AdGroup},
     * {@link Creative} or {@link AdSpace}) in the shape of one element of the catalog document; errors
     * name the field under {@code path}.
     */
    public static <T> T readObject(Class<T> type, JsonNode json, String path) {
        if (json == null || !json.isObject()) {
            throw new CatalogFormatException(path.isEmpty() ? "$" : path, "must be an object");
        }
        JsonFields n = new JsonFields(json, path);
        Object value;
        try {
            if (type == Account.class) {
                value = account(n);
            } else if (type == Campaign.class) {
                value = campaign(n);
            } else if (type == AdGroup.class) {
                value = adGroup(n);
            } else if (type == Creative.class) {
                value = creative(n);
            } else if (type == AdSpace.class) {
                value = adSpace(n);
            } else {
                throw new IllegalArgumentException("not a catalog object class: " + type.getName());
            }
        } catch (CatalogFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new CatalogFormatException(path.isEmpty() ? "$" : path, e.getMessage());
        }
        return type.cast(value);
    }

    /** Writes one catalog object in the shape of one element of the catalog document. */
    public static ObjectNode writeObject(Object value) {
        ObjectNode o = MAPPER.createObjectNode();
        if (value instanceof Account a) {
            writeAccount(o, a);
        } else if (value instanceof Campaign c) {
            writeCampaign(o, c);
        } else if (value instanceof AdGroup g) {
            writeAdGroup(o, g);
        } else if (value instanceof Creative c) {
            writeCreative(o, c);
        } else if (value instanceof AdSpace s) {
            writeAdSpace(o, s);
        } else {
            throw new IllegalArgumentException("not a catalog object: " + value);
        }
        return o;
    }

    private static void writeAccount(ObjectNode o, Account a) {
        o.put("id", a.id()).put("version", a.version()).put("name", a.name())
                .put("type", a.type().name()).put("company", a.company()).put("industry", a.industry())
                .put("currency", a.currency().name()).put("status", a.status().name())
                .put("paymentMode", a.paymentMode().name()).put("balanceMicros", a.balanceMicros())
                .put("creditLimitMicros", a.creditLimitMicros()).put("commitmentLetterOnFile", a.commitmentLetterOnFile());
    }

    private static void writeCampaign(ObjectNode o, Campaign c) {
        o.put("id", c.id()).put("version", c.version()).put("accountId", c.accountId())
                .put("name", c.name()).put("objective", c.objective().name()).put("promotion", c.promotion().name())
                .put("enabled", c.enabled());
        if (c.advertiserDomain() != null) {
            o.put("advertiserDomain", c.advertiserDomain());
        }
        writeFrequencyCaps(o, c.frequencyCaps());
    }

    private static void writeAdSpace(ObjectNode o, AdSpace s) {
        o.put("id", s.id()).put("version", s.version()).put("publisherId", s.publisherId())
                .put("name", s.name()).put("placement", s.placement().name()).put("floorCpmMicros", s.floorCpmMicros());
        s.formats().stream().map(Enum::name).sorted().forEach(o.putArray("formats")::add);
        if (s.blocksAnything()) {
            new TreeSet<>(s.blockedDomains()).forEach(o.putArray("blockedDomains")::add);
            new TreeSet<>(s.blockedCategories()).forEach(o.putArray("blockedCategories")::add);
            new TreeSet<>(s.blockedApps()).forEach(o.putArray("blockedApps")::add);
        }
        if (s.childDirected()) {
            o.put("childDirected", true);
        }
    }

    private static void writeCreative(ObjectNode o, Creative c) {
        o.put("id", c.id()).put("version", c.version()).put("adGroupId", c.adGroupId())
                .put("name", c.name()).put("format", c.format().name());
        strings(o.putArray("titles"), c.titles());
        strings(o.putArray("descriptions"), c.descriptions());
        strings(o.putArray("buttons"), c.buttons());
        c.images().forEach(a -> writeAsset(o.withArray("images").addObject(), a));
        c.videos().forEach(a -> writeAsset(o.withArray("videos").addObject(), a));
        if (c.icon() != null) {
            writeAsset(o.putObject("icon"), c.icon());
        }
        o.put("clickUrl", c.clickUrl());
        if (c.deeplink() != null) {
            o.put("deeplink", c.deeplink());
        }
        strings(o.putArray("impressionTrackers"), c.impressionTrackers());
        strings(o.putArray("videoTrackers"), c.videoTrackers());
        o.put("review", c.review().name());
        o.put("landingPageRiskWarning", c.landingPageRiskWarning());
        if (c.vast() != null) {
            writeVast(o.putObject("vast"), c.vast());
        }
        if (!c.categories().isEmpty()) {
            new TreeSet<>(c.categories()).forEach(o.putArray("categories")::add);
        }
    }

    private static void writeAdGroup(ObjectNode o, AdGroup g) {
        o.put("id", g.id()).put("version", g.version()).put("campaignId", g.campaignId()).put("name", g.name());
        if (g.app() != null) {
            o.putObject("app").put("packageName", g.app().packageName()).put("channel", g.app().channel().name());
        }
        o.put("installState", g.installState().name());
        g.placements().stream().map(Enum::name).sorted().forEach(o.putArray("placements")::add);
        new TreeSet<>(g.adSpaceIds()).forEach(o.putArray("adSpaceIds")::add);
        new TreeSet<>(g.publisherIds()).forEach(o.putArray("publisherIds")::add);
        ObjectNode t = o.putObject("targeting");
        Targeting targeting = g.targeting();
        targeting.dimensions().forEach((d, rule) -> {
            ObjectNode r = t.putObject(d.jsonName());
            new TreeSet<>(rule.include()).forEach(r.putArray("include")::add);
            new TreeSet<>(rule.exclude()).forEach(r.putArray("exclude")::add);
        });
        if (!targeting.osVersion().isAny()) {
            ObjectNode os = t.putObject("osVersion");
            if (targeting.osVersion().min() != 0) {
                os.put("min", versionText(targeting.osVersion().min()));
            }
            if (targeting.osVersion().max() != Integer.MAX_VALUE) {
                os.put("max", versionText(targeting.osVersion().max()));
            }
        }
        targeting.genders().stream().map(Enum::name).sorted().forEach(t.putArray("genders")::add);
        if (!targeting.age().isAny()) {
            t.putObject("age").put("min", targeting.age().min()).put("max", targeting.age().max());
        }
        ObjectNode aud = t.putObject("audiences");
        new TreeSet<>(targeting.includeAudiences()).forEach(aud.putArray("include")::add);
        new TreeSet<>(targeting.excludeAudiences()).forEach(aud.putArray("exclude")::add);
        Schedule s = g.schedule();
        // Whole local days are written as dates (the end date inclusive), other bounds as local date-times.
        ObjectNode so = o.putObject("schedule").put("timeZone", s.zone().toString())
                .put("start", s.start().toLocalTime().equals(LocalTime.MIDNIGHT) ? s.start().toLocalDate().toString() : s.start().toString());
        if (s.end() != null) {
            so.put("end", s.end().toLocalTime().equals(LocalTime.MIDNIGHT) ? s.end().toLocalDate().minusDays(1).toString() : s.end().toString());
        }
        if (!s.hours().isAllDay()) {
            ObjectNode parts = so.putObject("dayparting");
            for (int day = 0; day < DAYS.length; day++) {
                ArrayNode hours = parts.putArray(DAYS[day]);
                for (int h = 0; h < 24; h++) {
                    if (s.hours().contains(day * 24 + h)) {
                        hours.add(h);
                    }
                }
            }
        }
        o.putObject("budget").put("totalMicros", g.budget().totalMicros()).put("dailyMicros", g.budget().dailyMicros());
        o.putObject("bid").put("model", g.bid().model().name()).put("amountMicros", g.bid().amountMicros());
        o.put("review", g.review().name());
        if (g.rejectReason() != null) {
            o.put("rejectReason", g.rejectReason());
        }
        o.put("deliveryOn", g.deliveryOn());
        o.put("conversionWindowSeconds", g.conversionWindowSeconds());
        o.put("viewThroughConversions", g.viewThroughConversions());
        writeFrequencyCaps(o, g.frequencyCaps());
        if (g.capUnknownUsers()) {
            o.put("capUnknownUsers", true);
        }
        g.conversionEvents().forEach(o.putArray("conversionEvents")::add);
    }

    /** The text form of an encoded OS version ("12.1.0" style, trailing zero parts dropped). */
    public static String versionText(int encoded) {
        int major = encoded / 1_000_000;
        int minor = encoded / 1_000 % 1_000;
        int patch = encoded % 1_000;
        return patch != 0 ? major + "." + minor + "." + patch : minor != 0 ? major + "." + minor : Integer.toString(major);
    }

    private static void writeVast(ObjectNode o, VideoAd v) {
        o.put("durationMillis", v.durationMillis());
        if (v.skipOffsetMillis() != VideoAd.NOT_SKIPPABLE) {
            o.put("skipOffsetMillis", v.skipOffsetMillis());
        }
        ArrayNode files = o.putArray("mediaFiles");
        for (VideoAd.MediaFile m : v.mediaFiles()) {
            ObjectNode f = files.addObject().put("url", m.url()).put("type", m.mimeType()).put("delivery", m.delivery().name())
                    .put("width", m.width()).put("height", m.height());
            if (m.bitrateKbps() != 0) {
                f.put("bitrateKbps", m.bitrateKbps());
            }
        }
        if (!v.verifications().isEmpty()) {
            ArrayNode verifications = o.putArray("verifications");
            for (VideoAd.Verification r : v.verifications()) {
                ObjectNode e = verifications.addObject().put("vendor", r.vendor()).put("javascriptUrl", r.javascriptUrl());
                if (r.parameters() != null) {
                    e.put("parameters", r.parameters());
                }
            }
        }
        if (!v.trackingEvents().isEmpty()) {
            ArrayNode events = o.putArray("trackingEvents");
            for (VideoAd.EventTracker t : v.trackingEvents()) {
                events.addObject().put("event", t.event().vastName()).put("url", t.url());
            }
        }
    }

    private static void writeAsset(ObjectNode o, Asset a) {
        o.put("url", a.url()).put("width", a.width()).put("height", a.height()).put("bytes", a.bytes());
        if (a.durationMillis() != 0) {
            o.put("durationMillis", a.durationMillis());
        }
    }

    private static void strings(ArrayNode array, Collection<String> values) {
        values.forEach(array::add);
    }
}
