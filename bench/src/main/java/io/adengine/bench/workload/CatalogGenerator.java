package io.adengine.bench.workload;

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
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Builds the catalog of a standard workload in memory, deterministically from (size, seed). Ids are
 * dense and start at 1 per object type; ad space ids start at 1 too. Every ad group is approved and
 * switched on; flights run from before {@link #ANCHOR} to well after it, so the catalog serves from the
 * anchor date until at least {@code ANCHOR + 2 years}.
 *
 * <p>The targeting mix follows {@code shared/BENCHMARKS.md}; each ad group draws its rules
 * independently from its own random stream (so ad group {@code i} is the same whatever the size).
 */
public final class CatalogGenerator {

    /** Flights are placed around this date: they start up to 180 days before it and end 2..4 years after. */
    public static final LocalDate ANCHOR = LocalDate.of(2026, 11, 1);

    /** Which creative formats fit each placement type; ad spaces accept all of their placement's formats. */
    public static final Map<PlacementType, List<CreativeFormat>> FORMATS = formats();

    private static final PlacementType[] PLACEMENTS = PlacementType.values();
    // Relative traffic weight of each placement type, in PlacementType order.
    private static final int[] PLACEMENT_WEIGHTS = {30, 20, 15, 8, 7, 12, 3, 5};
    private static final Zipf COUNTRY_ZIPF = new Zipf(Geography.COUNTRIES.size(), 1.0);
    private static final Zipf MODEL_ZIPF = new Zipf(Geography.DEVICE_MODELS.size(), 0.8);
    // Micros of account currency per USD micro, rounded: bids are drawn in USD and converted.
    private static final Map<Currency, Long> PER_USD = Map.of(Currency.USD, 1L, Currency.RMB, 7L, Currency.INR, 83L);

    private final WorkloadSize size;
    private final long seed;

    public CatalogGenerator(WorkloadSize size, long seed) {
        this.size = size;
        this.seed = seed;
    }

    /** Generates the whole catalog (version 1). */
    public Catalog generate() {
        List<Account> accounts = accounts();
        List<Campaign> campaigns = campaigns();
        List<AdSpace> spaces = adSpaces();
        Map<PlacementType, List<Long>> spacesByPlacement = new EnumMap<>(PlacementType.class);
        for (AdSpace s : spaces) {
            spacesByPlacement.computeIfAbsent(s.placement(), k -> new ArrayList<>()).add(s.id());
        }
        List<AdGroup> groups = new ArrayList<>(size.adGroups());
        List<Creative> creatives = new ArrayList<>(size.creatives());
        for (int i = 0; i < size.adGroups(); i++) {
            long id = i + 1L;
            Campaign campaign = campaigns.get(i % campaigns.size());
            Account account = accounts.get((int) (campaign.accountId() - 1));
            SplittableRandom r = new SplittableRandom(Seeds.mix(seed ^ 0xAD6L, id));
            AdGroup g = adGroup(id, campaign, account.currency(), r, spacesByPlacement);
            groups.add(g);
            addCreatives(g, r, creatives);
        }
        return new Catalog(1, accounts, campaigns, groups, creatives, spaces);
    }

    private List<Account> accounts() {
        List<Account> out = new ArrayList<>(size.accounts());
        for (int i = 0; i < size.accounts(); i++) {
            long id = i + 1L;
            SplittableRandom r = new SplittableRandom(Seeds.mix(seed ^ 0xACC0L, id));
            int c = r.nextInt(10);
            Currency currency = c < 6 ? Currency.USD : c < 8 ? Currency.RMB : Currency.INR;
            AccountType type = r.nextInt(10) < 7 ? AccountType.ADVERTISER : r.nextBoolean() ? AccountType.CORE_AGENCY : AccountType.SUB_AGENT;
            boolean postpaid = r.nextInt(10) < 3;
            long usd = 1_000_000L * (1_000 + r.nextInt(1_000_000));
            long money = usd * PER_USD.get(currency);
            out.add(new Account(id, 1, "Account " + id, type, "Company " + id + " Ltd", r.nextBoolean() ? "games" : "ecommerce",
                    currency, AccountStatus.APPROVED, postpaid ? PaymentMode.POSTPAID : PaymentMode.PREPAID,
                    postpaid ? 0 : money, postpaid ? money : 0, false));
        }
        return out;
    }

    private List<Campaign> campaigns() {
        List<Campaign> out = new ArrayList<>(size.campaigns());
        for (int i = 0; i < size.campaigns(); i++) {
            long id = i + 1L;
            SplittableRandom r = new SplittableRandom(Seeds.mix(seed ^ 0xCA4L, id));
            out.add(new Campaign(id, 1, 1 + (i % size.accounts()), "Campaign " + id,
                    r.nextInt(10) < 2 ? Objective.BRAND : Objective.PERFORMANCE,
                    r.nextBoolean() ? PromotionTarget.APP_DOWNLOAD : PromotionTarget.NON_DOWNLOAD, true));
        }
        return out;
    }

    private List<AdSpace> adSpaces() {
        List<AdSpace> out = new ArrayList<>(size.adSpaces());
        for (int i = 0; i < size.adSpaces(); i++) {
            long id = i + 1L;
            SplittableRandom r = new SplittableRandom(Seeds.mix(seed ^ 0x5ACEL, id));
            PlacementType placement = placement(r);
            // Half the spaces have no floor; the rest 0.10..2.00 USD CPM.
            long floor = r.nextBoolean() ? 0 : 100_000L * (1 + r.nextInt(20));
            out.add(new AdSpace(id, 1, 1 + (i % size.publishers()), "Space " + id, placement,
                    Set.copyOf(FORMATS.get(placement)), floor));
        }
        return out;
    }

    private AdGroup adGroup(long id, Campaign campaign, Currency currency, SplittableRandom r,
                            Map<PlacementType, List<Long>> spacesByPlacement) {
        Set<PlacementType> placements = placements(r, 1 + r.nextInt(3));
        Set<Long> pinned = new HashSet<>();
        if (r.nextInt(100) < 20) {
            for (PlacementType p : placements) {
                List<Long> candidates = spacesByPlacement.getOrDefault(p, List.of());
                for (int k = 0, n = Math.min(candidates.size(), 1 + r.nextInt(5)); k < n; k++) {
                    pinned.add(candidates.get(r.nextInt(candidates.size())));
                }
            }
        }
        boolean download = campaign.promotion() == PromotionTarget.APP_DOWNLOAD;
        PromotedApp app = null;
        InstallStateTarget install = InstallStateTarget.ALL_USERS;
        if (download) {
            int a = r.nextInt(size.apps());
            app = new PromotedApp("com.bench.app" + a, a % 3 == 0 ? AppChannel.GETAPPS : AppChannel.GOOGLE_PLAY);
            if (r.nextBoolean()) {
                InstallStateTarget[] targets = InstallStateTarget.values();
                install = targets[1 + r.nextInt(targets.length - 1)];
            }
        }
        return new AdGroup(id, 1, campaign.id(), "Ad group " + id, app, install, placements, pinned, Set.of(),
                targeting(r), schedule(r), budget(r, currency), bid(r, currency), ReviewStatus.APPROVED, null, true);
    }

    private Targeting targeting(SplittableRandom r) {
        Map<Dimension, IncludeExclude> dims = new EnumMap<>(Dimension.class);
        List<Geography.Country> countries = new ArrayList<>();
        Set<String> countryCodes = new LinkedHashSet<>();
        int wanted = 1 + r.nextInt(10);
        // Bounded: a Zipf draw repeats often, so stop after a fixed number of tries.
        for (int tries = 0; tries < 200 && countryCodes.size() < wanted; tries++) {
            Geography.Country c = Geography.COUNTRIES.get(COUNTRY_ZIPF.nextInt(r));
            if (countryCodes.add(c.code())) {
                countries.add(c);
            }
        }
        dims.put(Dimension.COUNTRY, new IncludeExclude(countryCodes, Set.of()));
        if (r.nextInt(100) < 30) {
            Set<String> languages = new HashSet<>();
            for (Geography.Country c : countries) {
                languages.add(c.languages().get(0));
            }
            if (r.nextBoolean()) {
                languages.add("en");
            }
            dims.put(Dimension.LANGUAGE, new IncludeExclude(languages, Set.of()));
        }
        if (r.nextInt(100) < 20) {
            dims.put(Dimension.NETWORK, r.nextBoolean()
                    ? new IncludeExclude(Set.of("wifi"), Set.of())
                    : new IncludeExclude(Set.of(), Set.of("3g")));
        }
        if (r.nextInt(100) < 10) {
            List<String> carriers = countries.get(0).carriers();
            dims.put(Dimension.CARRIER, new IncludeExclude(Set.of(carriers.get(r.nextInt(carriers.size()))), Set.of()));
        }
        if (r.nextInt(100) < 5) {
            Set<String> models = new HashSet<>();
            for (int k = 1 + r.nextInt(3); k > 0; k--) {
                models.add(Geography.DEVICE_MODELS.get(MODEL_ZIPF.nextInt(r)));
            }
            dims.put(Dimension.DEVICE_MODEL, new IncludeExclude(models, Set.of()));
        }
        OsVersionRange os = OsVersionRange.ANY;
        if (r.nextInt(100) < 30) {
            int min = OsVersionRange.encode(Integer.toString(8 + r.nextInt(5)));
            os = r.nextInt(4) == 0 ? new OsVersionRange(min, OsVersionRange.encode("14.999.999")) : new OsVersionRange(min, Integer.MAX_VALUE);
        }
        AgeRange age = AgeRange.ANY;
        if (r.nextInt(100) < 40) {
            int min = 13 + r.nextInt(30);
            age = new AgeRange(min, min + 5 + r.nextInt(30));
        }
        Set<Gender> genders = r.nextInt(100) < 30 ? Set.of(r.nextBoolean() ? Gender.MALE : Gender.FEMALE) : Set.of();
        Set<Long> include = new HashSet<>();
        if (r.nextInt(100) < 30) {
            for (int k = 1 + r.nextInt(3); k > 0; k--) {
                include.add(1L + r.nextInt(size.audiences()));
            }
        }
        Set<Long> exclude = new HashSet<>();
        if (r.nextInt(100) < 10) {
            long a = 1L + r.nextInt(size.audiences());
            if (!include.contains(a)) {
                exclude.add(a);
            }
        }
        return new Targeting(dims, os, genders, age, include, exclude);
    }

    private static Schedule schedule(SplittableRandom r) {
        int offset = -12 + r.nextInt(25);
        LocalDate start = ANCHOR.minusDays(r.nextInt(181));
        LocalDate end = r.nextBoolean() ? null : ANCHOR.plusYears(2).plusDays(r.nextInt(731));
        HoursOfWeek hours = HoursOfWeek.ALL_DAY;
        if (r.nextInt(100) < 30) {
            // A daily window of 8..20 local hours, on every day or on weekdays only.
            int from = r.nextInt(24);
            int length = 8 + r.nextInt(13);
            boolean weekdays = r.nextInt(4) == 0;
            List<Integer> list = new ArrayList<>();
            for (int day = 0; day < (weekdays ? 5 : 7); day++) {
                for (int h = 0; h < length; h++) {
                    list.add(day * 24 + (from + h) % 24);
                }
            }
            hours = HoursOfWeek.of(list.stream().mapToInt(Integer::intValue).toArray());
        }
        return new Schedule(offset, start, end, hours);
    }

    private static Budget budget(SplittableRandom r, Currency currency) {
        long perUsd = PER_USD.get(currency);
        // Log-uniform daily budgets of 5..5,000 USD: the small ones exhaust within a simulated day.
        long daily = r.nextInt(10) < 2 ? 0 : (long) (5_000_000L * Math.pow(1_000, r.nextDouble())) * perUsd;
        long total = r.nextInt(10) < 3 ? 0 : Math.max(daily, 1_000_000L * perUsd) * (10 + r.nextInt(90));
        return new Budget(total, daily);
    }

    private static Bid bid(SplittableRandom r, Currency currency) {
        long perUsd = PER_USD.get(currency);
        int m = r.nextInt(100);
        BidModel model;
        long usdMicros;
        if (m < 40) {
            model = BidModel.CPM;
            usdMicros = 200_000L + r.nextInt(10_000_000);
        } else if (m < 75) {
            model = BidModel.CPC;
            usdMicros = 20_000L + r.nextInt(2_000_000);
        } else if (m < 98) {
            model = BidModel.CPA;
            usdMicros = 200_000L + r.nextInt(20_000_000);
        } else {
            model = BidModel.CPT;
            usdMicros = 50_000_000L + r.nextInt(450_000_000);
        }
        return new Bid(model, usdMicros * perUsd);
    }

    private static void addCreatives(AdGroup g, SplittableRandom r, List<Creative> out) {
        List<CreativeFormat> formats = new ArrayList<>();
        for (PlacementType p : g.placements()) {
            formats.addAll(FORMATS.get(p));
        }
        formats.sort(null);
        for (int k = 0; k < WorkloadSize.CREATIVES_PER_AD_GROUP; k++) {
            long id = (g.id() - 1) * WorkloadSize.CREATIVES_PER_AD_GROUP + k + 1;
            CreativeFormat f = k < formats.size() ? formats.get(k) : formats.get(r.nextInt(formats.size()));
            boolean video = f.name().contains("VIDEO");
            String base = "https://cdn.bench.example/c/" + id;
            out.add(new Creative(id, 1, g.id(), "Creative " + id, f,
                    List.of("Title " + id), List.of("Description of creative " + id), List.of("Install"),
                    video ? List.of() : List.of(new Asset(base + ".jpg", 1080, 607, 80_000, 0)),
                    video ? List.of(new Asset(base + ".mp4", 1280, 720, 2_000_000, 15_000)) : List.of(),
                    new Asset(base + "-icon.png", 192, 192, 9_000, 0),
                    "https://click.bench.example/g/" + g.id(), null,
                    List.of("https://imp.bench.example/t?c=" + id),
                    video ? List.of("https://vid.bench.example/q?c=" + id) : List.of(),
                    ReviewStatus.APPROVED, false));
        }
    }

    private static PlacementType placement(SplittableRandom r) {
        int total = 0;
        for (int w : PLACEMENT_WEIGHTS) {
            total += w;
        }
        int x = r.nextInt(total);
        for (int i = 0; i < PLACEMENTS.length; i++) {
            x -= PLACEMENT_WEIGHTS[i];
            if (x < 0) {
                return PLACEMENTS[i];
            }
        }
        return PLACEMENTS[PLACEMENTS.length - 1];
    }

    private static Map<PlacementType, List<CreativeFormat>> formats() {
        Map<PlacementType, List<CreativeFormat>> m = new EnumMap<>(PlacementType.class);
        m.put(PlacementType.BANNER, List.of(CreativeFormat.BANNER, CreativeFormat.LARGE_IMAGE));
        m.put(PlacementType.INTERSTITIAL, List.of(CreativeFormat.INTERSTITIAL_IMAGE, CreativeFormat.INTERSTITIAL_VIDEO));
        m.put(PlacementType.REWARDED_VIDEO, List.of(CreativeFormat.REWARDED_VIDEO));
        m.put(PlacementType.PUSH, List.of(CreativeFormat.PUSH));
        m.put(PlacementType.ICON, List.of(CreativeFormat.ICON_SMALL_CARD));
        m.put(PlacementType.FEED, List.of(CreativeFormat.LARGE_NEWSFEED_IMAGE, CreativeFormat.NEWSFEED_VIDEO));
        m.put(PlacementType.SMS, List.of(CreativeFormat.SMS));
        m.put(PlacementType.WALLPAPER_CAROUSEL, List.of(CreativeFormat.WALLPAPER_CAROUSEL));
        return Map.copyOf(m);
    }

    /** Draws {@code count} distinct placement types by weight (fewer if the bounded draw repeats). */
    private static Set<PlacementType> placements(SplittableRandom r, int count) {
        Set<PlacementType> out = java.util.EnumSet.noneOf(PlacementType.class);
        for (int tries = 0; tries < 50 && out.size() < count; tries++) {
            out.add(placement(r));
        }
        return out;
    }
}
