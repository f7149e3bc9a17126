package io.adengine.budget;

import io.adengine.config.EngineConfig;
import io.adengine.index.Segment;
import io.adengine.index.SegmentCache;
import io.adengine.index.Snapshot;
import io.adengine.match.BudgetGate;
import io.adengine.model.Account;
import io.adengine.model.AdGroup;
import io.adengine.model.BidModel;
import io.adengine.model.Catalog;
import io.adengine.model.LocalZone;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * The budget gate of the serving path: an ad group may serve while one more of its charges (the most one event
 * of it can cost: its bid per click, conversion or booked day, a thousandth of it per CPM impression) still fits
 * under each limit on top of what is spent and reserved: its local day's budget, its total budget, its account's
 * spendable money; and (EVEN pacing) a random draw passes its pacing rate. So an ad whose charge would cross what
 * is left is not served; the ledger's charges are hard limits too (cut to the room left). Reads volatile fields only; the per-snapshot view (arrays by
 * ordinal) is built once per snapshot, so steady-state calls allocate nothing and take no lock.
 */
public final class LedgerBudgetGate implements BudgetGate {

    private final SpendLedger ledger;
    private final LongSupplier clock;
    private final boolean paced;
    private final SegmentCache<View> views = new SegmentCache<>((segment, unused) -> build(segment));

    /** Per-ordinal spend counters and limits of one segment (base and delta have a cache slot each). */
    private record View(GroupSpend[] groups, AccountSpend[] accounts, long[] daily, long[] total,
                        long[] spendable, LocalZone[] zones, long[] maxCharge) {
    }

    public LedgerBudgetGate(SpendLedger ledger, LongSupplier clock, boolean paced) {
        this.ledger = ledger;
        this.clock = clock;
        this.paced = paced;
    }

    @Override
    public boolean allows(Snapshot snapshot, int global) {
        View v = view(snapshot, global);
        int ordinal = local(snapshot, global);
        GroupSpend g = v.groups[ordinal];
        AccountSpend a = v.accounts[ordinal];
        long reserved = Math.max(0, g.reserved);
        long next = v.maxCharge[ordinal];
        long daily = v.daily[ordinal];
        if (daily > 0) {
            long day = v.zones[ordinal].localDay(clock.getAsLong());
            if (g.spentOnDay(day) + reserved + next > daily) {
                return false;
            }
        }
        long total = v.total[ordinal];
        if (total > 0 && g.totalSpent + reserved + next > total) {
            return false;
        }
        if (a.spent + Math.max(0, a.reserved) + next > v.spendable[ordinal]) {
            return false;
        }
        if (paced && daily > 0) {
            int p = g.passPpm;
            return p >= 1_000_000 || ThreadLocalRandom.current().nextInt(1_000_000) < p;
        }
        return true;
    }

    /**
     * Reserves the expected cost of serving an ordinal's ad group once ({@link BillingRules#expectedCost})
     * and returns it. Reservations are bounded by what the budgets have left (the gate serves only while one more
     * charge fits on top of them) and released after {@code events.reservationSeconds} when no impression came.
     */
    public long reserveServed(Snapshot snapshot, int global, BidModel billing, long chargePerUnit, EngineConfig.Prior prior) {
        long micros = BillingRules.expectedCost(billing, chargePerUnit, prior);
        if (micros > 0) {
            View v = view(snapshot, global);
            int ordinal = local(snapshot, global);
            ledger.reserve(v.groups[ordinal], v.accounts[ordinal], micros);
        }
        return micros;
    }

    /** Gives back a reservation of {@link #reserveServed} whose event could not be published. */
    public void unreserve(Snapshot snapshot, int global, long micros) {
        int ordinal = local(snapshot, global);
        View v = view(snapshot, global);
        ledger.unreserve(v.groups[ordinal], v.accounts[ordinal], micros);
    }

    /** The account id of an ordinal's ad group in a snapshot. */
    public long accountId(Snapshot snapshot, int global) {
        return view(snapshot, global).accounts[local(snapshot, global)].accountId;
    }

    /** Builds the views of a snapshot's segments now, so the first request after a swap does not. */
    public void prepare(Snapshot snapshot) {
        views.prepare(snapshot, null);
    }

    private static int local(Snapshot snapshot, int global) {
        return global - snapshot.offset(snapshot.segmentOf(global));
    }

    private View view(Snapshot snapshot, int global) {
        int i = snapshot.segmentOf(global);
        return views.get(snapshot.segment(i), i);
    }

    private View build(Segment segment) {
        // The segment's own catalog holds the campaigns and accounts of its groups; a base group whose
        // campaign or account changed since is hidden and lives in the delta, so this is never stale.
        int n = segment.size();
        Catalog c = segment.catalog();
        GroupSpend[] groups = new GroupSpend[n];
        AccountSpend[] accounts = new AccountSpend[n];
        long[] daily = new long[n];
        long[] total = new long[n];
        long[] spendable = new long[n];
        LocalZone[] zones = new LocalZone[n];
        long[] maxCharge = new long[n];
        for (int o = 0; o < n; o++) {
            AdGroup ag = segment.group(o);
            groups[o] = ledger.group(ag.id());
            long accountId = c.campaign(ag.campaignId()).accountId();
            Account acc = c.account(accountId);
            accounts[o] = ledger.account(accountId);
            daily[o] = ag.budget().dailyMicros();
            total[o] = ag.budget().totalMicros();
            spendable[o] = acc == null ? Long.MAX_VALUE : acc.spendableMicros();
            zones[o] = ag.schedule().zone();
            maxCharge[o] = BillingRules.maxCharge(ag.bid());
            groups[o].plan(daily[o], zones[o]);
        }
        return new View(groups, accounts, daily, total, spendable, zones, maxCharge);
    }
}
