package io.adengine.budget;

import io.adengine.model.Account;
import io.adengine.model.AdGroup;
import io.adengine.model.Catalog;
import io.adengine.model.LocalZone;
import io.adengine.model.Money;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The spend ledger. Exactly one thread (the ledger handler of the event pipeline, or the recovery
 * replay before it starts) calls the mutating methods; any thread may read. Limits come from the
 * catalog being served when a charge is made: the ad group's daily budget (its own local day),
 * its total budget, and the account's spendable money ({@link Account#spendableMicros()}, taken as the
 * money available when the journal began: the ledger's account spend is subtracted from it).
 *
 * <p>Every limit is hard: a charge is cut to the room the tightest limit has left (the event is then reported
 * as charged in part), and an event with no room left is charged nothing (reported, not billed). So spend never
 * passes a daily budget, a total budget or the account's money, not by a single micro.
 */
public final class SpendLedger {

    /** Milliseconds per day. */
    public static final long DAY_MILLIS = 86_400_000L;

    private final Supplier<Catalog> catalog;
    private final long reservationMillis;
    private final Map<Long, GroupSpend> groups = new ConcurrentHashMap<>();
    /**
     * Every group record in creation order, for the pacing step to walk without the map: {@code all[0 .. allCount)}.
     * Appended under a lock, the array doubling when full; a reader reads the count first, then the array.
     */
    private volatile GroupSpend[] all = new GroupSpend[1024];
    private volatile int allCount;
    private final Map<Long, AccountSpend> accounts = new ConcurrentHashMap<>();
    private final ArrayDeque<Reservation> reservations = new ArrayDeque<>();
    private final Map<Long, Reservation> reservationsByImpression = new HashMap<>();

    private static final class Reservation {
        final long impression;
        final long expiresAt;
        final GroupSpend group;
        final AccountSpend account;
        final long micros;
        boolean released;

        Reservation(long impression, long expiresAt, GroupSpend group, AccountSpend account, long micros) {
            this.impression = impression;
            this.expiresAt = expiresAt;
            this.group = group;
            this.account = account;
            this.micros = micros;
        }
    }

    public SpendLedger(Supplier<Catalog> catalog, long reservationMillis) {
        this.catalog = catalog;
        this.reservationMillis = reservationMillis;
    }

    /** The spend record of an ad group (created empty on first use; any thread). */
    public GroupSpend group(long adGroupId) {
        GroupSpend g = groups.get(adGroupId);
        return g != null ? g : groups.computeIfAbsent(adGroupId, this::created);
    }

    private GroupSpend created(long adGroupId) {
        GroupSpend g = new GroupSpend(adGroupId);
        synchronized (groups) {
            int n = allCount;
            GroupSpend[] a = all;
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
                all = a;
            }
            a[n] = g;
            allCount = n + 1;
        }
        return g;
    }

    /** The spend record of an account (created empty on first use; any thread). */
    public AccountSpend account(long accountId) {
        return accounts.computeIfAbsent(accountId, AccountSpend::new);
    }

    /** Every ad group the ledger knows. */
    public Iterable<GroupSpend> groups() {
        return groups.values();
    }

    /** Local day number of an instant in a whole-hour UTC offset. */
    public static long localDay(long epochMillis, int utcOffsetHours) {
        return Math.floorDiv(epochMillis + utcOffsetHours * 3_600_000L, DAY_MILLIS);
    }

    /** Serving side: holds the expected cost of a served ad against its group and account (any thread). */
    public void reserve(GroupSpend g, AccountSpend a, long micros) {
        if (micros > 0) {
            g.addReserved(micros);
            a.addReserved(micros);
        }
    }

    /** Serving side: gives back a reservation whose event never entered the pipeline. */
    public void unreserve(GroupSpend g, AccountSpend a, long micros) {
        if (micros > 0) {
            g.addReserved(-micros);
            a.addReserved(-micros);
        }
    }

    /**
     * Ledger side: starts the clock on a served ad's reservation. {@code alreadyHeld} is false on replay,
     * where no serving thread reserved it.
     */
    public void track(long impressionKey, long adGroupId, long accountId, long micros, long servedAt, boolean alreadyHeld) {
        if (micros <= 0) {
            return;
        }
        GroupSpend g = group(adGroupId);
        AccountSpend a = account(accountId);
        if (!alreadyHeld) {
            reserve(g, a, micros);
        }
        Reservation r = new Reservation(impressionKey, servedAt + reservationMillis, g, a, micros);
        reservations.addLast(r);
        reservationsByImpression.put(impressionKey, r);
    }

    /** Ledger side: the impression arrived, its reservation is replaced by the charge. */
    public void release(long impressionKey) {
        Reservation r = reservationsByImpression.remove(impressionKey);
        if (r != null && !r.released) {
            r.released = true;
            unreserve(r.group, r.account, r.micros);
        }
    }

    /** Ledger side: releases every reservation older than its hold time. */
    public void expire(long nowMillis) {
        Reservation r;
        while ((r = reservations.peekFirst()) != null && r.expiresAt <= nowMillis) {
            reservations.pollFirst();
            if (!r.released) {
                r.released = true;
                reservationsByImpression.remove(r.impression);
                unreserve(r.group, r.account, r.micros);
            }
        }
    }

    /**
     * Writes what the ledger has counted (ledger thread, or before it starts): per ad group its local day, the
     * day's and all-time spend, its CPT day and pacing rate; per account its spend. Reservations are not written:
     * they last seconds, and a restart starts with none.
     */
    public void writeState(java.io.DataOutputStream out) throws java.io.IOException {
        int n = allCount;
        GroupSpend[] a = all;
        out.writeInt(n);
        for (int i = 0; i < n; i++) {
            GroupSpend g = a[i];
            out.writeLong(g.adGroupId);
            out.writeLong(g.day);
            out.writeLong(g.daySpent);
            out.writeLong(g.totalSpent);
            out.writeLong(g.cptChargedDay);
            out.writeInt(g.passPpm);
        }
        List<AccountSpend> accs = new ArrayList<>(accounts.values());
        out.writeInt(accs.size());
        for (AccountSpend acc : accs) {
            out.writeLong(acc.accountId);
            out.writeLong(acc.spent);
        }
    }

    /** Forgets everything (a checkpoint that could not be loaded whole). */
    public void clearState() {
        synchronized (groups) {
            groups.clear();
            all = new GroupSpend[1024];
            allCount = 0;
        }
        accounts.clear();
        reservations.clear();
        reservationsByImpression.clear();
    }

    /** Loads what {@link #writeState} wrote into an empty ledger (before the ledger thread starts). */
    public void readState(java.io.DataInputStream in) throws java.io.IOException {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            GroupSpend g = group(in.readLong());
            g.day = in.readLong();
            g.daySpent = in.readLong();
            g.totalSpent = in.readLong();
            g.cptChargedDay = in.readLong();
            g.passPpm = in.readInt();
        }
        int m = in.readInt();
        for (int i = 0; i < m; i++) {
            account(in.readLong()).spent = in.readLong();
        }
    }

    /** Reservations being held (ledger thread). */
    public int reservationsHeld() {
        return reservationsByImpression.size();
    }

    /**
     * Ledger side: charges {@code micros} to an ad group and its account at an instant, or as much of it as the
     * tightest limit has room for. Returns the amount charged (at most {@code micros}; less when a limit had less
     * room), or -1 when a limit has no room left (nothing is charged).
     */
    public long charge(long adGroupId, long accountId, long micros, long timeMillis) {
        Catalog c = catalog.get();
        AdGroup ag = c.adGroup(adGroupId);
        Account acc = c.account(accountId);
        GroupSpend g = group(adGroupId);
        AccountSpend a = account(accountId);
        LocalZone zone = ag == null ? LocalZone.UTC : ag.schedule().zone();
        long day = zone.localDay(timeMillis);
        long daySpent = g.day == day ? g.daySpent : 0;
        long daily = ag == null ? 0 : ag.budget().dailyMicros();
        g.plan(daily, zone);
        long total = ag == null ? 0 : ag.budget().totalMicros();
        long spendable = acc == null ? Long.MAX_VALUE : acc.spendableMicros();
        long room = spendable - a.spent;
        if (daily > 0) {
            room = Math.min(room, daily - daySpent);
        }
        if (total > 0) {
            room = Math.min(room, total - g.totalSpent);
        }
        if (room <= 0) {
            return -1;
        }
        long charged = Math.min(micros, room);
        if (g.day != day) {
            g.daySpent = 0;
            g.day = day;
        }
        g.daySpent = daySpent + charged;
        g.totalSpent = g.totalSpent + charged;
        a.spent = a.spent + charged;
        return charged;
    }

    /**
     * Ledger side: a CPT slot is charged once per local day, on its first impression. Returns whether
     * this impression is that first one.
     */
    public boolean firstCptImpressionOfDay(long adGroupId, long timeMillis) {
        AdGroup ag = catalog.get().adGroup(adGroupId);
        long day = (ag == null ? LocalZone.UTC : ag.schedule().zone()).localDay(timeMillis);
        GroupSpend g = group(adGroupId);
        if (g.cptChargedDay == day) {
            return false;
        }
        g.cptChargedDay = day;
        return true;
    }

    /**
     * Ledger side: one pacing step (LinkedIn KDD 2014 style): each ad group with a daily budget compares
     * its spend (plus reservations) with an even plan over its local day, evaluated one period ahead;
     * ahead of plan its pass-through rate shrinks by a fifth, behind plan it grows by a quarter (at
     * least 0.1% passes, at most everything). Walks an array of the groups with their cached plans
     * ({@link GroupSpend#plan}); a group at full rate that has spent and reserved nothing today costs one
     * comparison.
     */
    public void pace(long nowMillis, long periodMillis) {
        int n = allCount;
        GroupSpend[] a = all;
        for (int i = 0; i < n; i++) {
            GroupSpend g = a[i];
            long daily = g.planDailyMicros;
            if (daily <= 0) {
                continue;
            }
            LocalZone zone = g.planZone;
            long spent = g.spentOnDay(zone.localDay(nowMillis)) + Math.max(0, g.reserved);
            int p = g.passPpm;
            if (spent == 0 && p >= 1_000_000) {
                continue;
            }
            long sinceMidnight = zone.sinceLocalMidnight(nowMillis);
            long planned = Money.mulDiv(daily, Math.min(DAY_MILLIS, sinceMidnight + periodMillis), DAY_MILLIS);
            g.passPpm = spent > planned ? Math.max(1_000, p - p / 5) : Math.min(1_000_000, p + Math.max(1_000, p / 4));
        }
    }
}
