package io.adengine.audience;

import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InstallHistoryTest {

    private static final int D0 = 20_000;

    private record Event(int user, int day, boolean install) {
    }

    /** The definition, per user, over a plain list: last event on or before the day, uninstall first on a tie. */
    private static AppInstalls oracle(List<Event> events, int users, int day) {
        RoaringBitmap now = new RoaringBitmap();
        RoaringBitmap within = new RoaringBitmap();
        RoaringBitmap ever = new RoaringBitmap();
        for (int u = 0; u < users; u++) {
            int user = u;
            List<Event> mine = events.stream().filter(e -> e.user() == user && e.day() <= day)
                    .sorted(Comparator.comparingInt(Event::day).thenComparing(Event::install)).toList();
            if (mine.isEmpty()) {
                continue;
            }
            ever.add(u);
            boolean installed = mine.get(mine.size() - 1).install();
            if (installed) {
                now.add(u);
            }
            boolean recentUninstall = mine.stream().anyMatch(e -> !e.install() && e.day() >= day - AppInstalls.WINDOW_DAYS);
            if (installed || recentUninstall) {
                within.add(u);
            }
        }
        return new AppInstalls(now, within, ever);
    }

    private static List<Event> givenEvents(SplittableRandom r, int users, int count) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            // Mostly past events, some dated after the compaction day (a feed may carry them).
            int day = r.nextInt(10) == 0 ? D0 + 1 + r.nextInt(60) : D0 - r.nextInt(300);
            events.add(new Event(r.nextInt(users), day, r.nextInt(3) != 0));
        }
        return events;
    }

    private static InstallHistory full(List<Event> events) {
        int n = events.size();
        int[] u = new int[n];
        int[] d = new int[n];
        boolean[] ins = new boolean[n];
        for (int i = 0; i < n; i++) {
            u[i] = events.get(i).user();
            d[i] = events.get(i).day();
            ins[i] = events.get(i).install();
        }
        return new InstallHistory(u, d, ins, n);
    }

    private static void assertSame(AppInstalls actual, AppInstalls expected, String what) {
        assertThat(actual.installedNow()).as(what + " installed now").isEqualTo(expected.installedNow());
        assertThat(actual.installedWithin90Days()).as(what + " within 90 days").isEqualTo(expected.installedWithin90Days());
        assertThat(actual.everInstalled()).as(what + " ever").isEqualTo(expected.everInstalled());
    }

    @Test
    void onShouldMatchTheDefinitionForFullAndCompactedHistoriesOnEveryLaterDay() {
        for (int seed = 0; seed < 20; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            int users = 40;
            List<Event> events = givenEvents(r, users, 200);
            InstallHistory full = full(events);
            InstallHistory compact = full.from(D0);
            assertThat(compact.events()).isLessThanOrEqualTo(full.events());
            for (int day = D0 - 200; day <= D0 + 150; day += 7) {
                AppInstalls expected = oracle(events, users, day);
                assertSame(full.on(day), expected, "seed " + seed + " day " + day + " full");
                if (day >= D0) {
                    assertSame(compact.on(day), expected, "seed " + seed + " day " + day + " compacted");
                }
            }
            assertSame(compact.on(D0), oracle(events, users, D0), "seed " + seed + " compaction day");
            assertSame(compact.on(D0 + AppInstalls.WINDOW_DAYS), oracle(events, users, D0 + AppInstalls.WINDOW_DAYS), "seed " + seed + " window edge");
        }
    }

    @Test
    void onShouldKeepAnUninstallExactlyAtTheWindowEdgeWhenCompacted() {
        List<Event> events = List.of(new Event(1, D0 - 200, true), new Event(1, D0 - AppInstalls.WINDOW_DAYS, false),
                new Event(2, D0 - 200, true), new Event(2, D0 - AppInstalls.WINDOW_DAYS - 1, false),
                new Event(3, D0 - 10, false));
        InstallHistory compact = full(events).from(D0);
        for (int day = D0; day <= D0 + 12; day++) {
            assertSame(compact.on(day), oracle(events, 4, day), "day " + day);
        }
        assertThat(compact.on(D0).installedWithin90Days().toArray()).containsExactly(1, 3);
        assertThat(compact.on(D0 + 1).installedWithin90Days().toArray()).containsExactly(3);
    }

    @Test
    void onShouldRefuseADayBeforeTheCompactionDay() {
        InstallHistory compact = full(List.of(new Event(1, D0 - 5, true))).from(D0);
        assertThatThrownBy(() -> compact.on(D0 - 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("compacted away");
    }

    @Test
    void fromShouldKeepOnlyUsersWithLaterEventsAsEvents() {
        List<Event> events = List.of(new Event(1, D0 - 10, true), new Event(2, D0 - 10, true), new Event(2, D0 + 3, false),
                new Event(3, D0 - 200, true), new Event(3, D0 - 150, false));
        InstallHistory compact = full(events).from(D0);
        assertThat(compact.events()).isEqualTo(2);
        assertSame(compact.on(D0 + 5), oracle(events, 4, D0 + 5), "day 5");
    }

    private static long[] packed(List<Event> events) {
        long[] p = new long[events.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = InstallHistory.packEvent(events.get(i).user(), events.get(i).day(), events.get(i).install());
        }
        return p;
    }

    @Test
    void withEventsShouldMatchTheDefinitionOverAllEventsOrAnswerNullOnlyForABackDatedEventOfASummarisedUser() {
        int merged = 0;
        int refusedMerges = 0;
        for (int seed = 0; seed < 150; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            int users = 30;
            List<Event> base = givenEvents(r, users, 120);
            InstallHistory compact = full(base).from(D0);
            List<Event> all = new ArrayList<>(base);
            // Several uploads in a row: mostly live events (on or after D0 + 1), sometimes back-dated ones.
            for (int round = 0; round < 4; round++) {
                List<Event> added = new ArrayList<>();
                boolean backDated = r.nextInt(3) == 0;
                for (int i = 0, n = 1 + r.nextInt(25); i < n; i++) {
                    int day = backDated && r.nextBoolean() ? D0 - r.nextInt(200) : D0 + 1 + r.nextInt(120);
                    added.add(new Event(r.nextInt(users), day, r.nextInt(3) != 0));
                }
                InstallHistory next = compact.withEvents(packed(added), added.size());
                all.addAll(added);
                if (next == null) {
                    refusedMerges++;
                    assertThat(added).as("seed " + seed + ": null only with a back-dated event").anyMatch(e -> e.day() <= D0);
                    // What the engine does then: re-read the whole history.
                    next = full(all).from(D0);
                } else {
                    merged++;
                }
                compact = next;
                assertThat(compact.fromDay()).isEqualTo(D0);
                for (int day = D0; day <= D0 + 250; day += 5) {
                    assertSame(compact.on(day), oracle(all, users, day), "seed " + seed + " round " + round + " day " + day);
                }
            }
        }
        // The draw must exercise both outcomes.
        assertThat(merged).isGreaterThan(200);
        assertThat(refusedMerges).isPositive();
    }

    @Test
    void withEventsShouldMergeLiveEventsIntoAFullHistoryToo() {
        List<Event> base = List.of(new Event(1, D0 - 10, true), new Event(2, D0 - 400, true));
        List<Event> added = List.of(new Event(1, D0 + 2, false), new Event(2, D0 - 500, false), new Event(3, D0, true));
        List<Event> all = new ArrayList<>(base);
        all.addAll(added);
        InstallHistory next = full(base).withEvents(packed(added), added.size());
        for (int day = D0 - 600; day <= D0 + 100; day += 5) {
            assertSame(next.on(day), oracle(all, 4, day), "day " + day);
        }
    }
}
