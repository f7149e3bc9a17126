package io.adengine.audience;

import org.roaringbitmap.RoaringBitmap;

import java.util.Arrays;

/**
 * Every install and uninstall event of one app, packed and sorted by user then day, so that the state on
 * any day can be recomputed as days pass ({@link #on}). Immutable once built.
 */
public final class InstallHistory {

    private final int[] users;
    private final int[] days;
    private final boolean[] installs;

    /** Builds from parallel arrays of {@code count} events in any order. */
    public InstallHistory(int[] users, int[] days, boolean[] installs, int count) {
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        // Same user and day: the uninstall first, so that "installed again that day" ends installed.
        Arrays.sort(order, (a, b) -> users[a] != users[b] ? Integer.compare(users[a], users[b])
                : days[a] != days[b] ? Integer.compare(days[a], days[b]) : Boolean.compare(installs[a], installs[b]));
        this.users = new int[count];
        this.days = new int[count];
        this.installs = new boolean[count];
        for (int i = 0; i < count; i++) {
            this.users[i] = users[order[i]];
            this.days[i] = days[order[i]];
            this.installs[i] = installs[order[i]];
        }
    }

    public int events() {
        return users.length;
    }

    /**
     * The state at the end of {@code epochDay}, from the events dated on or before it: installed now
     * (last event an install), installed within 90 days (installed now, or uninstalled on a day in
     * [epochDay - 90, epochDay]: it was installed until that day), ever installed.
     */
    public AppInstalls on(int epochDay) {
        RoaringBitmap now = new RoaringBitmap();
        RoaringBitmap within = new RoaringBitmap();
        RoaringBitmap ever = new RoaringBitmap();
        int i = 0;
        while (i < users.length) {
            int user = users[i];
            boolean installed = false;
            boolean everInstalled = false;
            int lastUninstall = Integer.MIN_VALUE;
            for (; i < users.length && users[i] == user; i++) {
                if (days[i] > epochDay) {
                    continue;
                }
                if (installs[i]) {
                    installed = true;
                    everInstalled = true;
                } else {
                    // An uninstall without a known install still tells us it was installed before.
                    everInstalled = true;
                    installed = false;
                    lastUninstall = days[i];
                }
            }
            if (installed) {
                now.add(user);
            }
            if (installed || lastUninstall >= epochDay - AppInstalls.WINDOW_DAYS) {
                within.add(user);
            }
            if (everInstalled) {
                ever.add(user);
            }
        }
        now.runOptimize();
        within.runOptimize();
        ever.runOptimize();
        return new AppInstalls(now, within, ever);
    }
}
