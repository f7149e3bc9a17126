package io.adengine.match;

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
import io.adengine.model.Campaign;
import io.adengine.model.Catalog;
import io.adengine.model.Creative;
import io.adengine.model.CreativeFormat;
import io.adengine.model.Currency;
import io.adengine.model.Dimension;
import io.adengine.model.Gender;
import io.adengine.model.HoursOfWeek;
import io.adengine.model.IncludeExclude;
import io.adengine.model.InstallStateTarget;
import io.adengine.model.Objective;
import io.adengine.model.OsVersionRange;
import io.adengine.model.PaymentMode;
import io.adengine.model.PlacementType;
import io.adengine.model.PromotedApp;
import io.adengine.model.PromotionTarget;
import io.adengine.model.ReviewStatus;
import io.adengine.model.Schedule;
import io.adengine.model.Targeting;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Small random catalogs and requests drawn from narrow value pools, so that targeting rules collide
 * often and every filter both passes and fails in a typical run.
 */
public final class RandomCatalogs {

    /** 2026-11-28T12:00Z: the middle of the generated flights. */
    static final long BASE_MILLIS = 1_795_867_200_000L;
    static final long[] DST_CHANGES = {java.time.Instant.parse("2026-10-25T01:00:00Z").toEpochMilli(),
        java.time.Instant.parse("2026-11-01T06:00:00Z").toEpochMilli(), java.time.Instant.parse("2027-04-03T15:00:00Z").toEpochMilli()};

    static final Map<Dimension, String[]> POOLS = new EnumMap<>(Map.of(
            Dimension.COUNTRY, new String[] {"IN", "ID", "RU"},
            Dimension.REGION, new String[] {"IN-MH", "IN-KA"},
            Dimension.LANGUAGE, new String[] {"en", "hi"},
            Dimension.NETWORK, new String[] {"wifi", "4g"},
            Dimension.CARRIER, new String[] {"jio", "airtel"},
            Dimension.DEVICE_MODEL, new String[] {"redmi 13c", "poco x6"}));
    static final PlacementType[] PLACEMENTS = {PlacementType.FEED, PlacementType.BANNER, PlacementType.INTERSTITIAL};
    static final CreativeFormat[] FORMATS = {CreativeFormat.LARGE_NEWSFEED_IMAGE, CreativeFormat.BANNER,
            CreativeFormat.INTERSTITIAL_IMAGE, CreativeFormat.NEWSFEED_VIDEO};
    static final long[] TIE_BIDS = {1_000_000, 1_000_001, 1_000_999, 2_000_000};
    static final String[] OS_VERSIONS = {"7", "8", "10", "12.1", "13", "15"};
    /** Advertiser domains of campaigns: few, so that campaigns share one and competitive exclusion matters. */
    static final String[] DOMAINS = {"a.com", "b.com", "c.com"};
    static final String[] CATEGORIES = {"IAB1", "IAB1-2", "IAB7", "IAB7-12", "IAB9-5"};
    static final String[] BLOCKABLE_CATEGORIES = {"IAB1", "IAB7-12", "IAB9", "IAB9-5", "IAB3"};
    static final String[] APPS = {"com.app0", "com.app1", "com.app2"};

    private RandomCatalogs() {
    }

    /** Frequency-cap windows drawn: lifetime, a minute, an hour, a day, a week. */
    static final long[] CAP_WINDOWS = {0, 60, 3_600, 86_400, 7 * 86_400L};

    /**
     * The catalog with random frequency caps: about a third of the groups and a fifth of the campaigns get one or two caps
     * (max 1..3, so random counts often reach them), and some capped groups allow unknown users.
     */
    static Catalog withRandomCaps(Catalog c, Random r) {
        List<Campaign> campaigns = new ArrayList<>();
        for (Campaign k : c.campaigns()) {
            campaigns.add(r.nextInt(5) == 0 ? new Campaign(k.id(), k.version(), k.accountId(), k.name(), k.objective(), k.promotion(),
                    k.enabled(), k.advertiserDomain(), randomCaps(r)) : k);
        }
        List<AdGroup> groups = new ArrayList<>();
        for (AdGroup g : c.adGroups()) {
            groups.add(r.nextInt(3) == 0 ? g.withFrequencyCaps(randomCaps(r), r.nextInt(3) == 0) : g);
        }
        return new Catalog(c.version(), c.accounts(), campaigns, groups, c.creatives(), c.adSpaces());
    }

    private static List<io.adengine.model.FrequencyCap> randomCaps(Random r) {
        List<io.adengine.model.FrequencyCap> caps = new ArrayList<>();
        for (int i = 0, n = 1 + r.nextInt(2); i < n; i++) {
            io.adengine.model.FrequencyCap.Event e = r.nextBoolean() ? io.adengine.model.FrequencyCap.Event.IMPRESSION
                    : io.adengine.model.FrequencyCap.Event.CLICK;
            long w = CAP_WINDOWS[r.nextInt(CAP_WINDOWS.length)];
            if (caps.stream().noneMatch(x -> x.event() == e && x.windowSeconds() == w)) {
                caps.add(new io.adengine.model.FrequencyCap(e, 1 + r.nextInt(3), w));
            }
        }
        return caps;
    }

    public static Catalog catalog(Random r) {
        List<Account> accounts = new ArrayList<>();
        int accountCount = 1 + r.nextInt(4);
        for (int i = 1; i <= accountCount; i++) {
            accounts.add(new Account(i, 1, "a" + i, r.nextInt(10) == 0 ? AccountType.INDIVIDUAL : AccountType.ADVERTISER, "c", "games",
                    Currency.values()[r.nextInt(3)], r.nextInt(6) == 0 ? AccountStatus.SUSPENDED : AccountStatus.APPROVED,
                    r.nextBoolean() ? PaymentMode.PREPAID : PaymentMode.POSTPAID,
                    r.nextInt(8) == 0 ? 0 : 1 + r.nextInt(1_000_000_000), r.nextInt(3) == 0 ? 0 : 5_000_000, false));
        }
        List<Campaign> campaigns = new ArrayList<>();
        int campaignCount = 1 + r.nextInt(6);
        for (int i = 1; i <= campaignCount; i++) {
            campaigns.add(new Campaign(100 + i, 1, 1 + r.nextInt(accountCount), "k" + i,
                    r.nextBoolean() ? Objective.BRAND : Objective.PERFORMANCE, PromotionTarget.APP_DOWNLOAD, r.nextInt(10) != 0,
                    r.nextInt(3) == 0 ? null : DOMAINS[r.nextInt(DOMAINS.length)]));
        }
        List<AdSpace> spaces = new ArrayList<>();
        int spaceCount = 1 + r.nextInt(4);
        for (int i = 1; i <= spaceCount; i++) {
            Set<CreativeFormat> formats = EnumSet.noneOf(CreativeFormat.class);
            formats.add(FORMATS[r.nextInt(FORMATS.length)]);
            if (r.nextBoolean()) {
                formats.add(FORMATS[r.nextInt(FORMATS.length)]);
            }
            spaces.add(new AdSpace(1000 + i, 1, 1 + r.nextInt(2), "s" + i, PLACEMENTS[r.nextInt(PLACEMENTS.length)], formats,
                    r.nextInt(3) == 0 ? 0 : r.nextInt(4_000_000), some(r, DOMAINS, 12), some(r, BLOCKABLE_CATEGORIES, 10), some(r, APPS, 12),
                    r.nextInt(20) == 0));
        }
        List<AdGroup> groups = new ArrayList<>();
        List<Creative> creatives = new ArrayList<>();
        int groupCount = r.nextInt(41);
        long creativeId = 50_000;
        for (int i = 1; i <= groupCount; i++) {
            long id = 10_000 + i * (1 + r.nextInt(3));
            if (groups.stream().anyMatch(g -> g.id() == id)) {
                continue;
            }
            groups.add(group(r, id, 100 + 1 + r.nextInt(campaignCount), spaceCount));
            int creativeCount = 1 + r.nextInt(3);
            for (int c = 0; c < creativeCount; c++) {
                creatives.add(new Creative(++creativeId, 1, id, "cr", FORMATS[r.nextInt(FORMATS.length)], List.of("t1", "t2"),
                        List.of("d"), List.of(), List.of(new Asset("https://x/i.jpg", 1200, 628, 1000, 0)), List.of(), null,
                        r.nextInt(20) == 0 ? "ftp://x/landing" : "https://x/landing", null, List.of(), List.of(),
                        r.nextInt(7) == 0 ? ReviewStatus.UNDER_REVIEW : ReviewStatus.APPROVED, false, some(r, CATEGORIES, 3)));
            }
        }
        return new Catalog(r.nextInt(1000), accounts, campaigns, groups, creatives, spaces);
    }

    private static AdGroup group(Random r, long id, long campaignId, int spaceCount) {
        Set<PlacementType> placements = EnumSet.noneOf(PlacementType.class);
        int placementCount = 1 + r.nextInt(2);
        for (int p = 0; p < placementCount; p++) {
            placements.add(PLACEMENTS[r.nextInt(PLACEMENTS.length)]);
        }
        Set<Long> pinnedSpaces = r.nextInt(5) == 0 ? Set.of(1000L + 1 + r.nextInt(spaceCount)) : Set.of();
        Set<Long> pinnedPublishers = r.nextInt(10) == 0 ? Set.of(1L + r.nextInt(2)) : Set.of();
        Map<Dimension, IncludeExclude> dims = new EnumMap<>(Dimension.class);
        for (Dimension d : Dimension.values()) {
            String[] pool = POOLS.get(d);
            Set<String> include = new HashSet<>();
            Set<String> exclude = new HashSet<>();
            if (r.nextInt(10) < 2) {
                include.add(pool[r.nextInt(pool.length)]);
                if (r.nextBoolean()) {
                    include.add(pool[r.nextInt(pool.length)]);
                }
            }
            if (r.nextInt(12) == 0) {
                exclude.add(pool[r.nextInt(pool.length)]);
            }
            dims.put(d, new IncludeExclude(include, exclude));
        }
        OsVersionRange os = OsVersionRange.ANY;
        if (r.nextInt(10) < 3) {
            int a = OsVersionRange.encode(OS_VERSIONS[r.nextInt(OS_VERSIONS.length)]);
            int b = OsVersionRange.encode(OS_VERSIONS[r.nextInt(OS_VERSIONS.length)]);
            int kind = r.nextInt(3);
            os = kind == 0 ? new OsVersionRange(Math.min(a, b), Math.max(a, b))
                    : kind == 1 ? new OsVersionRange(a, Integer.MAX_VALUE) : new OsVersionRange(0, a);
        }
        int ageMin = 13 + r.nextInt(40);
        Targeting targeting = new Targeting(dims, os,
                r.nextInt(7) == 0 ? Set.of(Gender.FEMALE) : r.nextInt(12) == 0 ? Set.of(Gender.MALE, Gender.FEMALE) : Set.of(),
                r.nextInt(8) == 0 ? new AgeRange(ageMin, ageMin + r.nextInt(30)) : AgeRange.ANY,
                r.nextInt(6) == 0 ? audiences(r) : Set.of(),
                r.nextInt(8) == 0 ? audiences(r) : Set.of());
        LocalDate base = LocalDate.of(2026, 11, 28);
        // A fifth of the flights start early enough to run across the autumn daylight-saving changes.
        LocalDate startDay = r.nextInt(5) == 0 ? LocalDate.of(2026, 10, 1) : base.plusDays(r.nextInt(12) - 10);
        // Half the flights start and end at a local quarter hour rather than midnight.
        java.time.LocalDateTime start = startDay.atStartOfDay().plusMinutes(r.nextBoolean() ? 0 : 15L * r.nextInt(96));
        java.time.LocalDateTime end = r.nextInt(3) == 0 ? start.plusMinutes(15L * (1 + r.nextInt(10 * 96))) : null;
        HoursOfWeek hours = HoursOfWeek.ALL_DAY;
        if (r.nextInt(10) < 3) {
            List<Integer> on = new ArrayList<>();
            for (int h = 0; h < HoursOfWeek.HOURS; h++) {
                if (r.nextInt(3) != 0) {
                    on.add(h);
                }
            }
            hours = HoursOfWeek.of(on.stream().mapToInt(Integer::intValue).toArray());
        }
        BidModel model = BidModel.values()[r.nextInt(BidModel.values().length)];
        // A small pool of near-equal bids makes eCPM ties (after flooring) common, so tie-breaks get tested.
        long amount = r.nextInt(20) == 0 ? Bid.MAX_MICROS - r.nextInt(1000)
                : r.nextInt(3) == 0 ? TIE_BIDS[r.nextInt(TIE_BIDS.length)] : 1 + r.nextInt(10_000_000);
        PromotedApp app = r.nextBoolean() ? new PromotedApp(APPS[r.nextInt(APPS.length)], AppChannel.GOOGLE_PLAY) : null;
        return new AdGroup(id, 1, campaignId, "g", app, InstallStateTarget.values()[r.nextInt(InstallStateTarget.values().length)],
                placements, pinnedSpaces, pinnedPublishers, targeting, new Schedule(zone(r), start, end, hours),
                Budget.UNLIMITED, new Bid(model, amount), r.nextInt(8) == 0 ? ReviewStatus.REJECTED : ReviewStatus.APPROVED, null,
                r.nextInt(10) != 0);
    }

    /** Zones with daylight saving (Berlin, New York, Lord Howe's half hour), odd offsets (+05:30, +05:45) and whole hours. */
    static final String[] ZONES = {"Europe/Berlin", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe",
        "Pacific/Chatham", "UTC", "-03:00"};

    private static io.adengine.model.LocalZone zone(Random r) {
        return r.nextInt(3) == 0 ? io.adengine.model.LocalZone.ofOffsetMinutes(60 * (r.nextInt(25) - 12))
                : io.adengine.model.LocalZone.parse(ZONES[r.nextInt(ZONES.length)]);
    }

    /** Usually nothing; one time in {@code oneIn}, one or two values of the pool. */
    private static Set<String> some(Random r, String[] pool, int oneIn) {
        if (r.nextInt(oneIn) != 0) {
            return Set.of();
        }
        Set<String> set = new HashSet<>();
        for (int i = 1 + r.nextInt(2); i > 0; i--) {
            set.add(pool[r.nextInt(pool.length)]);
        }
        return set;
    }

    /** One to three of the audience ids 1..3 (audience 3 is often never uploaded). */
    private static Set<Long> audiences(Random r) {
        Set<Long> ids = new HashSet<>();
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            ids.add(1L + r.nextInt(3));
        }
        return ids;
    }

    static AdRequest request(Random r, Catalog catalog, AdRequest out) {
        out.reset();
        List<AdSpace> spaces = new ArrayList<>(catalog.adSpaces());
        out.adSpaceId(spaces.get(r.nextInt(spaces.size())).id()).count(1 + r.nextInt(4));
        for (Dimension d : Dimension.values()) {
            String[] pool = POOLS.get(d);
            int pick = r.nextInt(10);
            out.value(d, pick < 8 ? pool[r.nextInt(pool.length)] : pick == 8 ? null : "unseen");
        }
        out.osVersion(r.nextInt(5) == 0 ? -1 : OsVersionRange.encode(OS_VERSIONS[r.nextInt(OS_VERSIONS.length)]));
        // Privacy signals: most requests carry none, so user targeting keeps being tested too.
        if (r.nextInt(14) == 0) {
            out.coppa(r.nextInt(4) == 0).limitAdTracking(r.nextInt(4) == 0);
            if (r.nextBoolean()) {
                ConsentStrings.Consent consent = ConsentStrings.ALL.get(r.nextInt(ConsentStrings.ALL.size()));
                out.gdpr(r.nextInt(4) == 0 ? 0 : 1).consent(r.nextInt(6) == 0 ? null : consent.text());
            }
            if (r.nextInt(3) == 0) {
                out.usPrivacy(new String[] {"1YNN", "1YYN", "1---", "1NYY", "bogus"}[r.nextInt(5)]);
            }
            if (r.nextInt(4) == 0) {
                out.gpp("DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA", r.nextBoolean() ? new int[] {2} : new int[] {2, 7});
            }
        }
        // An eighth of the requests fall within three hours of a daylight-saving change (Europe, the US, Lord Howe).
        out.nowMillis(r.nextInt(8) == 0 ? DST_CHANGES[r.nextInt(DST_CHANGES.length)] + (long) ((r.nextDouble() * 2 - 1) * 3 * 3_600_000L)
                : BASE_MILLIS + (long) (r.nextGaussian() * 4 * 86_400_000L));
        out.seed(r.nextLong());
        return out;
    }
}
