package io.adengine.bench.audience;

import io.adengine.audience.AudienceStore;
import io.adengine.audience.AudienceTargeting;
import io.adengine.audience.ObservedTraffic;
import io.adengine.audience.UserData;
import io.adengine.audience.UserDataHolder;
import io.adengine.config.EngineConfig;
import io.adengine.index.Snapshot;
import io.adengine.index.SnapshotBuilder;
import io.adengine.match.AdDecider;
import io.adengine.match.AdRequest;
import io.adengine.match.BudgetGate;
import io.adengine.match.Decision;
import io.adengine.match.UserTargeting;
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
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Added cost per decision of user resolution plus user-side filtering, on workload M's user data (the
 * store built by {@code AudienceWorkloadMain generate}, path in {@code -Daudience.store}, default
 * {@code /tmp/audience-m}). The same decider runs the same requests twice: with no user data
 * ({@code decideUnknownUsers}, the baseline) and with the audience filter ({@code decideWithUserData});
 * the difference is the added cost. Ad groups follow BENCHMARKS.md's user-side targeting mix: 40 % age,
 * 30 % gender, 30 % include 1–3 audiences, 10 % exclude one, half with an install-state target. Requests:
 * 90 % known users, 10 % GAIDs unknown to the dictionary.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
        "-Dchronicle.analytics.disable=true", "-XX:+UseShenandoahGC"})
public class UserFilterBenchmark {

    private static final int REQUESTS = 4096;
    private static final long NOW = LocalDate.ofEpochDay(AudienceWorkload.TODAY).toEpochDay() * 86_400_000L + 36_000_000L;

    /** Ad groups in the catalog; every one passes the request-side filters, so all are user-filter candidates. */
    @Param({"200", "2000"})
    int candidates;

    private AudienceStore store;
    Snapshot snapshot;
    private AdDecider baseline;
    private AdDecider withUsers;
    AudienceTargeting targeting;
    final AdRequest[] requests = new AdRequest[REQUESTS];
    private final Decision decision = new Decision();
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path dir = Path.of(System.getProperty("audience.store", "/tmp/audience-m"));
        int users = Integer.getInteger("audience.users", 10_000_000);
        AudienceWorkload w = new AudienceWorkload(42, users, users >= 10_000_000 ? 1_000 : 50, users >= 10_000_000 ? 200 : 20);
        store = AudienceStore.open(dir, (long) (users * 1.1));
        if (store.dictionary().size() < users) {
            throw new IllegalStateException("run AudienceWorkloadMain generate " + dir + " --users " + users + " first");
        }
        UserData fromStore = store.load(AudienceWorkload.TODAY);
        UserData data = new UserData(store.dictionary(), fromStore.audiences(), w.demographics(), w.allInstalls(), AudienceWorkload.TODAY);
        // With traffic observation, as the engine's serving path runs it (reach counters on every resolution).
        targeting = new AudienceTargeting(new UserDataHolder(data), new ObservedTraffic((long) (users * 1.1), NOW));
        snapshot = new SnapshotBuilder(EngineConfig.AuctionConfig.defaults()).build(catalog(new Random(1), w, candidates));
        baseline = new AdDecider(BudgetGate.UNLIMITED, UserTargeting.UNKNOWN_USERS);
        withUsers = new AdDecider(BudgetGate.UNLIMITED, targeting);
        Random r = new Random(2);
        for (int i = 0; i < REQUESTS; i++) {
            String gaid = r.nextInt(10) == 0 ? String.format("ffffffff-%04x-4000-8000-%012x", r.nextInt(0x10000), (long) i)
                    : w.gaid(r.nextInt(users));
            requests[i] = new AdRequest().adSpaceId(1).count(1).value(Dimension.COUNTRY, "IN").gaid(gaid).nowMillis(NOW).seed(i);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
    }

    @Benchmark
    public Decision decideUnknownUsers() {
        AdRequest request = requests[next++ & (REQUESTS - 1)];
        return baseline.decide(snapshot, request, decision);
    }

    @Benchmark
    public Decision decideWithUserData() {
        AdRequest request = requests[next++ & (REQUESTS - 1)];
        return withUsers.decide(snapshot, request, decision);
    }

    /** Resolution alone: trim, lower-case, MD5, lookup in the dictionary's in-memory mirror, reach counters. */
    @Benchmark
    public int resolveUser() {
        return targeting.userOf(requests[next++ & (REQUESTS - 1)]);
    }

    static Catalog catalog(Random r, AudienceWorkload w, int groups) {
        Account account = new Account(1, 1, "a", AccountType.ADVERTISER, "c", "games", Currency.USD, AccountStatus.APPROVED,
                PaymentMode.PREPAID, 1_000_000_000_000L, 0, false);
        List<Campaign> campaigns = new ArrayList<>();
        for (int c = 1; c <= 100; c++) {
            campaigns.add(new Campaign(c, 1, 1, "k" + c, Objective.PERFORMANCE, PromotionTarget.APP_DOWNLOAD, true));
        }
        AdSpace space = new AdSpace(1, 1, 1, "s", PlacementType.FEED, Set.of(CreativeFormat.LARGE_NEWSFEED_IMAGE), 0);
        List<AdGroup> list = new ArrayList<>();
        List<Creative> creatives = new ArrayList<>();
        for (int i = 1; i <= groups; i++) {
            Set<Long> include = new HashSet<>();
            if (r.nextInt(10) < 3) {
                int n = 1 + r.nextInt(3);
                for (int k = 0; k < n; k++) {
                    include.add(1L + r.nextInt(w.audiences()));
                }
            }
            Set<Long> exclude = r.nextInt(10) == 0 ? Set.of(1L + r.nextInt(w.audiences())) : Set.of();
            int min = 13 + r.nextInt(30);
            Targeting t = new Targeting(new EnumMap<Dimension, IncludeExclude>(Map.of(Dimension.COUNTRY, new IncludeExclude(Set.of("IN"), Set.of()))),
                    OsVersionRange.ANY,
                    r.nextInt(10) < 3 ? EnumSet.of(Gender.values()[r.nextInt(2)]) : Set.of(),
                    r.nextInt(10) < 4 ? new AgeRange(min, min + 5 + r.nextInt(30)) : AgeRange.ANY, include, exclude);
            boolean install = r.nextBoolean();
            PromotedApp app = new PromotedApp(AudienceWorkload.appName(r.nextInt(w.apps())), AppChannel.GOOGLE_PLAY);
            InstallStateTarget state = install ? InstallStateTarget.values()[1 + r.nextInt(4)] : InstallStateTarget.ALL_USERS;
            list.add(new AdGroup(i, 1, 1 + r.nextInt(100), "g", app, state, Set.of(PlacementType.FEED), Set.of(), Set.of(), t,
                    new Schedule(0, LocalDate.of(2026, 1, 1), null, HoursOfWeek.ALL_DAY), Budget.UNLIMITED,
                    new Bid(BidModel.CPM, 1_000_000 + r.nextInt(5_000_000)), ReviewStatus.APPROVED, null, true));
            creatives.add(new Creative(i, 1, i, "cr", CreativeFormat.LARGE_NEWSFEED_IMAGE, List.of("t"), List.of("d"), List.of(),
                    List.of(new Asset("https://x/i.jpg", 1200, 628, 1000, 0)), List.of(), null, "https://x/landing", null, List.of(),
                    List.of(), ReviewStatus.APPROVED, false));
        }
        return new Catalog(1, List.of(account), campaigns, list, creatives, List.of(space));
    }
}
