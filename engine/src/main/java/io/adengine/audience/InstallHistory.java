package io.adengine.audience;

import org.roaringbitmap.RoaringBitmap;

import java.util.Arrays;

/**
 * The install and uninstall events of one app, so that its install state on a day can be recomputed as
 * days pass ({@link #on}). Immutable once built.
 *
 * <p>A full history keeps every event, packed into one {@code long} each and sorted by user, then day,
 * then uninstall before install. {@link #from(int)} compacts it for serving, which only ever moves
 * forward in time: a user with no event after that day is summarised by the state the day ended in
 * (installed, ever installed, and the day of a last uninstall recent enough to still count as
 * "installed within {@value AppInstalls#WINDOW_DAYS} days"); only users with later-dated events keep
 * their events. At workload M (18.5M events over 200 apps) that is about 10 MB instead of 148 MB.
 */
public final class InstallHistory {

    // Days are stored biased so that any LocalDate epoch day the feed accepts packs as a positive 31-bit field.
    private static final int DAY_BIAS = 1 << 30;
    private static final long[] NO_LONGS = new long[0];

    /** Events of the users whose state is not summarised, packed and sorted. */
    private final long[] events;
    /** First day {@link #on} may be asked for; {@link Integer#MIN_VALUE} for a full history. */
    private final int fromDay;
    /** Summarised users installed at the end of {@link #fromDay} (empty for a full history). */
    private final RoaringBitmap installedFrom;
    /** Summarised users who ever installed by the end of {@link #fromDay}. */
    private final RoaringBitmap everFrom;
    /** Summarised users not installed at {@link #fromDay} with their last uninstall day, packed, when it can still count. */
    private final long[] recentUninstalls;
    /**
     * Kept users whose events start with one that stands for a summary ({@link #withEvents}): exact for
     * later events, not for back-dated ones.
     */
    private final RoaringBitmap standIns;

    private InstallHistory(long[] events, int fromDay, RoaringBitmap installedFrom, RoaringBitmap everFrom, long[] recentUninstalls) {
        this(events, fromDay, installedFrom, everFrom, recentUninstalls, new RoaringBitmap());
    }

    private InstallHistory(long[] events, int fromDay, RoaringBitmap installedFrom, RoaringBitmap everFrom, long[] recentUninstalls,
                           RoaringBitmap standIns) {
        this.events = events;
        this.fromDay = fromDay;
        this.installedFrom = installedFrom;
        this.everFrom = everFrom;
        this.recentUninstalls = recentUninstalls;
        this.standIns = standIns;
    }

    /** Builds a full history from parallel arrays of {@code count} events in any order (users are ids, >= 0). */
    public InstallHistory(int[] users, int[] days, boolean[] installs, int count) {
        this(pack(users, days, installs, count), Integer.MIN_VALUE, new RoaringBitmap(), new RoaringBitmap(), NO_LONGS);
    }

    private static long[] pack(int[] users, int[] days, boolean[] installs, int count) {
        long[] packed = new long[count];
        for (int i = 0; i < count; i++) {
            packed[i] = packEvent(users[i], days[i], installs[i]);
        }
        Arrays.sort(packed);
        return packed;
    }

    /** Builds a full history from {@code count} events made by {@link #packEvent}, taking the array over (sorts it). */
    static InstallHistory ofPacked(long[] packed, int count) {
        long[] events = count == packed.length ? packed : Arrays.copyOf(packed, count);
        Arrays.sort(events);
        return new InstallHistory(events, Integer.MIN_VALUE, new RoaringBitmap(), new RoaringBitmap(), NO_LONGS);
    }

    /**
     * One event as a sortable {@code long}: user in the high 32 bits, then the biased day, then the
     * install bit, so that sorting orders by user, day, and uninstall before install on the same day
     * ("installed again that day" ends installed).
     */
    static long packEvent(int user, int epochDay, boolean install) {
        if (user < 0) {
            throw new IllegalArgumentException("user id must be >= 0, was " + user);
        }
        if (epochDay < -DAY_BIAS || epochDay >= DAY_BIAS) {
            throw new IllegalArgumentException("day out of range: " + epochDay);
        }
        return (long) user << 32 | (long) (epochDay + DAY_BIAS) << 1 | (install ? 1 : 0);
    }

    private static int user(long e) {
        return (int) (e >>> 32);
    }

    private static int day(long e) {
        return (int) ((e >>> 1) & 0x7FFF_FFFFL) - DAY_BIAS;
    }

    private static boolean install(long e) {
        return (e & 1) != 0;
    }

    /** Events kept as events (all of them for a full history). */
    public int events() {
        return events.length;
    }

    /** Heap bytes of the arrays and bitmaps. */
    public long sizeInBytes() {
        return 8L * events.length + 8L * recentUninstalls.length + installedFrom.getLongSizeInBytes() + everFrom.getLongSizeInBytes()
                + standIns.getLongSizeInBytes();
    }

    /**
     * The same history for days from {@code day} on only, compacted (see the class comment). A full history
     * only.
     */
    public InstallHistory from(int day) {
        if (fromDay != Integer.MIN_VALUE) {
            throw new IllegalStateException("already compacted from day " + fromDay);
        }
        RoaringBitmap installed = new RoaringBitmap();
        RoaringBitmap ever = new RoaringBitmap();
        long[] recent = new long[64];
        int nRecent = 0;
        long[] kept = new long[64];
        int nKept = 0;
        int i = 0;
        while (i < events.length) {
            int user = user(events[i]);
            int end = i;
            boolean later = false;
            while (end < events.length && user(events[end]) == user) {
                later |= day(events[end]) > day;
                end++;
            }
            if (later) {
                // Events after the day decide this user's state later: keep all of them, as they are.
                if (nKept + (end - i) > kept.length) {
                    kept = Arrays.copyOf(kept, Math.max(kept.length * 2, nKept + (end - i)));
                }
                System.arraycopy(events, i, kept, nKept, end - i);
                nKept += end - i;
            } else {
                boolean isInstalled = false;
                int lastUninstall = Integer.MIN_VALUE;
                for (int k = i; k < end; k++) {
                    isInstalled = install(events[k]);
                    if (!isInstalled) {
                        lastUninstall = day(events[k]);
                    }
                }
                ever.add(user);
                if (isInstalled) {
                    installed.add(user);
                } else if (lastUninstall >= day - AppInstalls.WINDOW_DAYS) {
                    if (nRecent == recent.length) {
                        recent = Arrays.copyOf(recent, nRecent * 2);
                    }
                    recent[nRecent++] = packEvent(user, lastUninstall, false);
                }
            }
            i = end;
        }
        installed.runOptimize();
        ever.runOptimize();
        return new InstallHistory(Arrays.copyOf(kept, nKept), day, installed, ever, Arrays.copyOf(recent, nRecent));
    }

    /** The first day {@link #on} may be asked for ({@link Integer#MIN_VALUE} for a full history). */
    public int fromDay() {
        return fromDay;
    }

    /**
     * This history with {@code count} more events made by {@link #packEvent} (any order; the array is not
     * kept), answering {@link #on} for the same days as this one; or {@code null} when a compacted summary
     * cannot order the new events with the ones it summarised, so that only a re-read of the full history
     * answers exactly. That is the case for a summarised user (no event after {@link #fromDay}) whose
     * latest new event dated on or before {@link #fromDay} is an uninstall while the summary says installed
     * (the summary does not keep the install's day), or an install dated more than
     * {@value AppInstalls#WINDOW_DAYS} days before {@link #fromDay} while the summary says uninstalled that
     * long ago. Every event dated after {@link #fromDay} merges exactly: a summarised user it touches
     * becomes a kept one, its summary replaced by one equivalent event (install on {@link #fromDay}, or its
     * last uninstall on its day, or on {@code fromDay - 91} when that is too old to count). Such a user
     * stays unable to take back-dated events: any later event of theirs dated on or before
     * {@link #fromDay} answers {@code null} too.
     */
    public InstallHistory withEvents(long[] added, int count) {
        long[] add = Arrays.copyOf(added, count);
        Arrays.sort(add);
        if (fromDay == Integer.MIN_VALUE) {
            return new InstallHistory(merge(events, add, NO_LONGS, 0), Integer.MIN_VALUE, installedFrom, everFrom, NO_LONGS);
        }
        RoaringBitmap touched = new RoaringBitmap();
        long[] synthetic = new long[16];
        int nSynthetic = 0;
        RoaringBitmap stoodIn = standIns.clone();
        int i = 0;
        while (i < add.length) {
            int user = user(add[i]);
            touched.add(user);
            long latestEarly = -1;
            for (; i < add.length && user(add[i]) == user; i++) {
                if (day(add[i]) <= fromDay) {
                    latestEarly = add[i];
                }
            }
            if (standIns.contains(user) && latestEarly >= 0) {
                return null;
            }
            if (!everFrom.contains(user)) {
                continue;
            }
            long summary;
            if (installedFrom.contains(user)) {
                if (latestEarly >= 0 && !install(latestEarly)) {
                    return null;
                }
                summary = packEvent(user, fromDay, true);
            } else {
                int recent = recentUninstall(user);
                if (recent != Integer.MIN_VALUE) {
                    summary = packEvent(user, recent, false);
                } else {
                    if (latestEarly >= 0 && install(latestEarly) && day(latestEarly) < fromDay - AppInstalls.WINDOW_DAYS) {
                        return null;
                    }
                    summary = packEvent(user, fromDay - AppInstalls.WINDOW_DAYS - 1, false);
                }
            }
            if (nSynthetic == synthetic.length) {
                synthetic = Arrays.copyOf(synthetic, nSynthetic * 2);
            }
            synthetic[nSynthetic++] = summary;
            stoodIn.add(user);
        }
        RoaringBitmap installed = RoaringBitmap.andNot(installedFrom, touched);
        RoaringBitmap ever = RoaringBitmap.andNot(everFrom, touched);
        installed.runOptimize();
        ever.runOptimize();
        long[] recent = new long[recentUninstalls.length];
        int nRecent = 0;
        for (long r : recentUninstalls) {
            if (!touched.contains(user(r))) {
                recent[nRecent++] = r;
            }
        }
        stoodIn.runOptimize();
        return new InstallHistory(merge(events, add, synthetic, nSynthetic), fromDay, installed, ever, Arrays.copyOf(recent, nRecent),
                stoodIn);
    }

    /** The day of a summarised user's last uninstall when it still counts, else {@link Integer#MIN_VALUE}. */
    private int recentUninstall(int user) {
        int lo = 0;
        int hi = recentUninstalls.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int u = user(recentUninstalls[mid]);
            if (u < user) {
                lo = mid + 1;
            } else if (u > user) {
                hi = mid - 1;
            } else {
                return day(recentUninstalls[mid]);
            }
        }
        return Integer.MIN_VALUE;
    }

    private static long[] merge(long[] a, long[] b, long[] c, int nc) {
        long[] all = new long[a.length + b.length + nc];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        System.arraycopy(c, 0, all, a.length + b.length, nc);
        Arrays.sort(all);
        return all;
    }

    /**
     * The state at the end of {@code epochDay}, from the events dated on or before it: installed now
     * (last event an install), installed within 90 days (installed now, or uninstalled on a day in
     * [epochDay - 90, epochDay]: it was installed until that day), ever installed (an uninstall without
     * a known install still tells us it was installed before). A compacted history answers only for
     * days from the one it was compacted for.
     */
    public AppInstalls on(int epochDay) {
        if (epochDay < fromDay) {
            throw new IllegalArgumentException("install state before day " + fromDay + " was compacted away (asked for " + epochDay + ")");
        }
        // Without kept events the summary bitmaps are the answer: share them (never modified) rather than copy.
        boolean share = events.length == 0;
        RoaringBitmap now = share ? installedFrom : installedFrom.clone();
        RoaringBitmap within = installedFrom.clone();
        RoaringBitmap ever = share ? everFrom : everFrom.clone();
        for (long r : recentUninstalls) {
            if (day(r) >= epochDay - AppInstalls.WINDOW_DAYS) {
                within.add(user(r));
            }
        }
        int i = 0;
        while (i < events.length) {
            int user = user(events[i]);
            boolean installed = false;
            boolean everInstalled = false;
            int lastUninstall = Integer.MIN_VALUE;
            for (; i < events.length && user(events[i]) == user; i++) {
                long e = events[i];
                if (day(e) > epochDay) {
                    continue;
                }
                everInstalled = true;
                installed = install(e);
                if (!installed) {
                    lastUninstall = day(e);
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
        if (!share) {
            now.runOptimize();
            ever.runOptimize();
        }
        within.runOptimize();
        return new AppInstalls(now, within, ever);
    }
}
