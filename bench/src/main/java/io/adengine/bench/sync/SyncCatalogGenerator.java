package io.adengine.bench.sync;

import io.adengine.model.Account;
import io.adengine.model.AccountStatus;
import io.adengine.model.AccountType;
import io.adengine.model.AdGroup;
import io.adengine.model.AdSpace;
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
import io.adengine.model.HoursOfWeek;
import io.adengine.model.IncludeExclude;
import io.adengine.model.InstallStateTarget;
import io.adengine.model.Objective;
import io.adengine.model.PaymentMode;
import io.adengine.model.PlacementType;
import io.adengine.model.PromotionTarget;
import io.adengine.model.ReviewStatus;
import io.adengine.model.Schedule;
import io.adengine.model.Targeting;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * A simple, deterministic catalog of workload-M size for the sync benchmark (the general workload
 * generator was not available to this benchmark): 2,000 accounts, 10,000 campaigns, the given number of
 * approved FEED ad groups each targeting 1–3 of 50 countries, one approved creative per group, 1,000 FEED
 * ad spaces over 200 publishers. Simpler targeting than workload M's mix.
 */
final class SyncCatalogGenerator {

    static final int COUNTRIES = 50;

    private SyncCatalogGenerator() {
    }

    static String country(int i) {
        return "" + (char) ('A' + i / 26) + (char) ('A' + i % 26);
    }

    static Catalog generate(int adGroups, long seed) {
        Random r = new Random(seed);
        List<Account> accounts = new ArrayList<>();
        for (int i = 1; i <= 2_000; i++) {
            accounts.add(new Account(i, 1, "acct" + i, AccountType.ADVERTISER, "Company " + i, "games", Currency.USD,
                    AccountStatus.APPROVED, PaymentMode.PREPAID, 1_000_000_000_000L, 0, false));
        }
        List<Campaign> campaigns = new ArrayList<>();
        for (int i = 1; i <= 10_000; i++) {
            campaigns.add(new Campaign(i, 1, 1 + (i - 1) % 2_000, "camp" + i, Objective.PERFORMANCE, PromotionTarget.NON_DOWNLOAD, true));
        }
        List<AdSpace> spaces = new ArrayList<>();
        for (int i = 1; i <= 1_000; i++) {
            spaces.add(new AdSpace(i, 1, 1 + (i - 1) % 200, "space" + i, PlacementType.FEED, Set.of(CreativeFormat.LARGE_NEWSFEED_IMAGE),
                    100_000));
        }
        List<AdGroup> groups = new ArrayList<>();
        List<Creative> creatives = new ArrayList<>();
        for (int i = 1; i <= adGroups; i++) {
            groups.add(group(i, 1, 1 + (i - 1) % 10_000, r));
            creatives.add(new Creative(i, 1, i, "cr" + i, CreativeFormat.LARGE_NEWSFEED_IMAGE, List.of("Title " + i),
                    List.of("Description"), List.of("Open"), List.of(new Asset("https://cdn.example.com/i/" + i + ".jpg", 1200, 628, 200_000, 0)),
                    List.of(), null, "https://landing.example.com/" + i, null, List.of(), List.of(), ReviewStatus.APPROVED, false));
        }
        return new Catalog(0, accounts, campaigns, groups, creatives, spaces);
    }

    static AdGroup group(long id, long version, long campaignId, Random r) {
        Set<String> countries = new TreeSet<>();
        int n = 1 + r.nextInt(3);
        while (countries.size() < n) {
            countries.add(country(r.nextInt(COUNTRIES)));
        }
        Map<Dimension, IncludeExclude> dims = new EnumMap<>(Dimension.class);
        dims.put(Dimension.COUNTRY, new IncludeExclude(countries, Set.of()));
        Targeting t = new Targeting(dims, io.adengine.model.OsVersionRange.ANY, EnumSet.noneOf(io.adengine.model.Gender.class),
                io.adengine.model.AgeRange.ANY, Set.of(), Set.of());
        return new AdGroup(id, version, campaignId, "group" + id, null, InstallStateTarget.ALL_USERS, Set.of(PlacementType.FEED), Set.of(),
                Set.of(), t, new Schedule(0, LocalDate.of(2026, 1, 1), null, HoursOfWeek.ALL_DAY), Budget.UNLIMITED,
                new Bid(BidModel.CPM, 1_000_000 + r.nextInt(9_000_000)), ReviewStatus.APPROVED, null, true);
    }
}
