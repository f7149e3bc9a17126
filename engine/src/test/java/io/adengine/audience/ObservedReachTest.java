package io.adengine.audience;

import io.adengine.match.AdRequest;
import io.adengine.model.AgeRange;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Reach from observed traffic against counts kept independently in plain collections. */
class ObservedReachTest {

    private static final long DAY = 86_400_000L;
    private static final long DAY_START = 20_000 * DAY;
    private static final int USERS = 5_000;
    private static final long[] SPACES = {10, 20, 30};

    /** What the test itself saw: distinct known users and known-user requests per ad space. */
    private static final class Oracle {
        final Set<Integer> active = new HashSet<>();
        final Map<Long, Long> knownRequests = new HashMap<>();
        long requests;

        long knownRequests(Set<Long> spaces) {
            return knownRequests.entrySet().stream().filter(e -> spaces.isEmpty() || spaces.contains(e.getKey()))
                    .mapToLong(Map.Entry::getValue).sum();
        }
    }

    private final java.util.List<UserDictionary> opened = new java.util.ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void closeDictionaries() {
        opened.forEach(UserDictionary::close);
    }

    private UserData givenUserData(RoaringBitmap audience) {
        UserDictionary d = UserDictionary.inMemory(USERS);
        opened.add(d);
        byte[] key = new byte[16];
        for (int i = 0; i < USERS; i++) {
            key[0] = (byte) i;
            key[1] = (byte) (i >> 8);
            key[15] = 1;
            d.idOrAssign(key);
        }
        return new UserData(d, Map.of(1L, audience), Demographics.NONE, Map.of(), 20_000);
    }

    private static RoaringBitmap givenAudience(SplittableRandom r) {
        RoaringBitmap b = new RoaringBitmap();
        for (int u = 0; u < USERS; u++) {
            if (r.nextInt(3) == 0) {
                b.add(u);
            }
        }
        return b;
    }

    /** Skewed traffic: a fifth of the users send most requests, a tenth of requests have no known user. */
    private static void givenTraffic(ObservedTraffic traffic, Oracle oracle, SplittableRandom r, int requests, long from, long to) {
        for (int i = 0; i < requests; i++) {
            long space = SPACES[r.nextInt(SPACES.length)];
            int user = r.nextInt(10) == 0 ? -1 : r.nextInt(4) == 0 ? r.nextInt(USERS) : r.nextInt(USERS / 5);
            long now = from + (long) ((to - from) * ((double) i / requests));
            traffic.record(space, user, now);
            oracle.requests++;
            if (user >= 0) {
                oracle.active.add(user);
                oracle.knownRequests.merge(space, 1L, Long::sum);
            }
        }
    }

    private static Reach.Spec include(long audience) {
        return new Reach.Spec(Set.of(audience), Set.of(), Set.of(), AgeRange.ANY, null, null);
    }

    private static long inSpec(RoaringBitmap audience, Oracle oracle) {
        return oracle.active.stream().filter(audience::contains).count();
    }

    @Test
    void frequencyCapsShouldBoundTheDailyImpressionsByWhatEachUserMaySee() {
        SplittableRandom r = new SplittableRandom(2);
        RoaringBitmap audience = givenAudience(r);
        UserData data = givenUserData(audience);
        ObservedTraffic traffic = new ObservedTraffic(USERS, DAY_START);
        givenTraffic(traffic, new Oracle(), r, 40_000, DAY_START, DAY_START + DAY - 1);
        traffic.rollOver(DAY_START + DAY + 60_000);
        ObservedTraffic.Window window = traffic.window(DAY_START + DAY + 120_000);
        Reach.Priors priors = new Reach.Priors(30, 20, 100);
        Reach.Estimate free = Reach.estimate(data, include(1), Set.of(), window, priors);
        io.adengine.model.FrequencyCap.Event imp = io.adengine.model.FrequencyCap.Event.IMPRESSION;
        io.adengine.model.FrequencyCap.Event click = io.adengine.model.FrequencyCap.Event.CLICK;
        // Each: the caps, and the most impressions a user may see in a day (windows tiling the day, each holding max).
        Object[][] cases = {
            {java.util.List.of(new io.adengine.model.FrequencyCap(imp, 2, 86_400)), 2L},
            {java.util.List.of(new io.adengine.model.FrequencyCap(imp, 3, 3_600)), 72L},
            {java.util.List.of(new io.adengine.model.FrequencyCap(imp, 1, 7_000)), 13L},
            {java.util.List.of(new io.adengine.model.FrequencyCap(imp, 5, 0)), 5L},
            {java.util.List.of(new io.adengine.model.FrequencyCap(imp, 3, 3_600), new io.adengine.model.FrequencyCap(imp, 10, 7 * 86_400L)), 10L},
            {java.util.List.of(new io.adengine.model.FrequencyCap(click, 1, 86_400)), null},
        };
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            java.util.List<io.adengine.model.FrequencyCap> caps = (java.util.List<io.adengine.model.FrequencyCap>) c[0];
            Reach.Spec spec = new Reach.Spec(Set.of(1L), Set.of(), Set.of(), AgeRange.ANY, null, null, caps);
            Reach.Estimate e = Reach.estimate(data, spec, Set.of(), window, priors);
            long expected = c[1] == null ? free.maxDailyImpressions() : Math.min(free.maxDailyImpressions(), free.maxDailyUsers() * (Long) c[1]);
            assertThat(e.maxDailyImpressions()).as("%s", caps).isEqualTo(expected);
            assertThat(e.maxDailyUsers()).isEqualTo(free.maxDailyUsers());
        }
        assertThat(Reach.estimate(data, new Reach.Spec(Set.of(1L), Set.of(), Set.of(), AgeRange.ANY, null, null,
                java.util.List.of(new io.adengine.model.FrequencyCap(imp, 1, 86_400))), Set.of(), window, priors).maxDailyImpressions())
                .as("the observed rate is above one a day per user, so a daily cap of 1 binds").isEqualTo(free.maxDailyUsers())
                .isLessThan(free.maxDailyImpressions());
    }

    @Test
    void estimateShouldUseTheLastCompleteDayWhenEnoughUsersWereObserved() {
        SplittableRandom r = new SplittableRandom(1);
        RoaringBitmap audience = givenAudience(r);
        UserData data = givenUserData(audience);
        ObservedTraffic traffic = new ObservedTraffic(USERS, DAY_START);
        Oracle oracle = new Oracle();
        givenTraffic(traffic, oracle, r, 40_000, DAY_START, DAY_START + DAY - 1);
        traffic.rollOver(DAY_START + DAY + 60_000);
        // Requests of the new day must not leak into the complete day the estimate uses.
        traffic.record(10, 3, DAY_START + DAY + 70_000);
        ObservedTraffic.Window window = traffic.window(DAY_START + DAY + 120_000);

        for (Set<Long> spaces : java.util.List.of(Set.<Long>of(), Set.of(10L), Set.of(20L, 30L))) {
            Reach.Estimate e = Reach.estimate(data, include(1), spaces, window, new Reach.Priors(30, 20, 100));
            long reachable = inSpec(audience, oracle);
            assertThat(e.basis()).isEqualTo(Reach.Basis.OBSERVED_DAY);
            assertThat(e.users()).isEqualTo(audience.getLongCardinality());
            assertThat(e.observedUsers()).isEqualTo(oracle.active.size());
            assertThat(e.observedRequests()).isEqualTo(oracle.knownRequests(spaces));
            assertThat(e.maxDailyUsers()).isEqualTo(reachable);
            assertThat(e.maxDailyImpressions())
                    .isEqualTo(Math.round(reachable * (double) oracle.knownRequests(spaces) / oracle.active.size()));
        }
        assertThat(window.allRequests()).isEqualTo(oracle.requests);
    }

    @Test
    void estimateShouldScaleTodaySoFarToADayWhenNoCompleteDayWasObserved() {
        SplittableRandom r = new SplittableRandom(2);
        RoaringBitmap audience = givenAudience(r);
        UserData data = givenUserData(audience);
        ObservedTraffic traffic = new ObservedTraffic(USERS, DAY_START);
        Oracle oracle = new Oracle();
        long first = DAY_START + 3_600_000L;
        long now = DAY_START + 7 * 3_600_000L;
        givenTraffic(traffic, oracle, r, 20_000, first, now);

        Reach.Estimate e = Reach.estimate(data, include(1), Set.of(), traffic.window(now), new Reach.Priors(30, 20, 100));

        long reachable = inSpec(audience, oracle);
        assertThat(e.basis()).isEqualTo(Reach.Basis.OBSERVED_PARTIAL_DAY);
        assertThat(e.maxDailyUsers()).isEqualTo(reachable);
        double perUserPerDay = (double) oracle.knownRequests(Set.of()) / oracle.active.size() * DAY / (now - first);
        assertThat(e.maxDailyImpressions()).isEqualTo(Math.round(reachable * perUserPerDay));
    }

    @Test
    void estimateShouldFallBackToThePriorsWhenTooFewUsersWereObservedOrADayWasSkipped() {
        SplittableRandom r = new SplittableRandom(3);
        RoaringBitmap audience = givenAudience(r);
        UserData data = givenUserData(audience);
        ObservedTraffic traffic = new ObservedTraffic(USERS, DAY_START);
        assertThat(traffic.window(DAY_START + 1_000)).isNull();
        Oracle oracle = new Oracle();
        givenTraffic(traffic, oracle, r, 500, DAY_START, DAY_START + 1_000_000);
        long users = audience.getLongCardinality();

        Reach.Estimate few = Reach.estimate(data, include(1), Set.of(), traffic.window(DAY_START + 2_000_000),
                new Reach.Priors(30, 20, oracle.active.size() + 1));
        assertThat(few.basis()).isEqualTo(Reach.Basis.PRIOR);
        assertThat(few.maxDailyUsers()).isEqualTo(users * 30 / 100);
        assertThat(few.maxDailyImpressions()).isEqualTo(users * 30 / 100 * 20);

        // Two days later the observed day is not yesterday: nothing complete, nothing yet today.
        traffic.rollOver(DAY_START + 2 * DAY + 1);
        assertThat(traffic.window(DAY_START + 2 * DAY + 2)).isNull();
    }

    @Test
    void recordShouldCountEveryRequestAndEachUserOnceWhenTwoThreadsRecordAtOnce() throws Exception {
        ObservedTraffic traffic = new ObservedTraffic(USERS, DAY_START);
        Set<Integer> expected = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicLong known = new AtomicLong();
        Thread[] threads = new Thread[2];
        for (int t = 0; t < threads.length; t++) {
            int seed = t;
            threads[t] = new Thread(() -> {
                SplittableRandom r = new SplittableRandom(seed);
                for (int i = 0; i < 200_000; i++) {
                    int user = r.nextInt(USERS + 100) - 100;
                    traffic.record(SPACES[i % 3], user, DAY_START + i);
                    if (user >= 0) {
                        expected.add(user);
                        known.incrementAndGet();
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        ObservedTraffic.Window w = traffic.window(DAY_START + DAY / 2);
        assertThat(w.allRequests()).isEqualTo(400_000);
        assertThat(w.knownRequests(Set.of())).isEqualTo(known.get());
        assertThat(w.active().getCardinality()).isEqualTo(expected.size());
        assertThat(w.active().stream().boxed().collect(java.util.stream.Collectors.toSet())).isEqualTo(expected);
    }

    @Test
    void userOfShouldRecordTheRequestsAdSpaceAndResolvedUserWhenTrafficIsObserved() {
        UserDictionary d = UserDictionary.inMemory(1_000);
        opened.add(d);
        GaidKey keys = new GaidKey();
        byte[] key = new byte[16];
        keys.ofGaid("38400000-8cf0-11bd-b23e-10b96e40000d", key);
        int id = d.idOrAssign(key);
        ObservedTraffic traffic = new ObservedTraffic(1_000, DAY_START);
        AudienceTargeting targeting = new AudienceTargeting(new UserDataHolder(UserData.empty(d)), traffic);

        assertThat(targeting.userOf(new AdRequest().adSpaceId(77).gaid("38400000-8CF0-11BD-B23E-10B96E40000D").nowMillis(DAY_START)))
                .isEqualTo(id);
        assertThat(targeting.userOf(new AdRequest().adSpaceId(77).gaid("ffffffff-8cf0-11bd-b23e-10b96e40000d").nowMillis(DAY_START)))
                .isEqualTo(-1);

        ObservedTraffic.Window w = traffic.window(DAY_START + 1);
        assertThat(w.adSpaceIds()).containsExactly(77L);
        assertThat(w.requests()).containsExactly(2L);
        assertThat(w.knownRequests()).containsExactly(1L);
        assertThat(w.active().toArray()).containsExactly(id);
    }
}
