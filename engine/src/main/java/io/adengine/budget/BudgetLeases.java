package io.adengine.budget;

import java.util.HashMap;
import java.util.Map;

/**
 * The budget leases of a cluster: which share of each budget each replica may spend. Every replica
 * applies the same ordered log of lease records ({@link #request}, {@link #release}) and so holds the same
 * state; a replica spends only within what the log granted it, and the grants of one budget never add up
 * to more than its limit, so the cluster as a whole never spends more than the limit, whatever the delays
 * between replicas and even while one of them cannot reach the log (it keeps spending its grant, no more).
 *
 * <p>A grant is decided from the log alone, never from a replica's own view: a request carries the limit
 * the requesting replica saw in its catalog, and the grant is {@code min(asked, limit - granted)}. A lower
 * limit in a later request is applied from then on (grants already made stand: a budget lowered below what
 * is granted stops new grants, it cannot take spent money back).
 *
 * <p>How much to ask for is the requester's choice ({@link #askFor}): a tenth of what is left while much
 * is left, so requests are rare, and a share of what is left per replica near exhaustion, so the last micros
 * go to the replicas that spend them. Single writer: the thread that applies the log.
 */
public final class BudgetLeases {

    /** One budget's leases: its latest limit and what each replica was granted. */
    private static final class Budget {
        long limit;
        long granted;
        final Map<String, Long> byReplica = new HashMap<>();
    }

    private final Map<String, Budget> budgets = new HashMap<>();

    /**
     * Applies a request of {@code replica} for {@code asked} micros of budget {@code key}, whose limit the
     * requester saw as {@code limit}; returns the grant (0 when nothing is left).
     */
    public long request(String key, String replica, long asked, long limit) {
        Budget b = budgets.computeIfAbsent(key, k -> new Budget());
        b.limit = limit;
        long grant = Math.max(0, Math.min(asked, limit - b.granted));
        if (grant > 0) {
            b.granted += grant;
            b.byReplica.merge(replica, grant, Long::sum);
        }
        return grant;
    }

    /** Applies the return of {@code amount} unspent micros of {@code replica}'s grant (at most what it holds). */
    public long release(String key, String replica, long amount) {
        Budget b = budgets.get(key);
        if (b == null) {
            return 0;
        }
        long held = b.byReplica.getOrDefault(replica, 0L);
        long back = Math.max(0, Math.min(amount, held));
        if (back > 0) {
            b.byReplica.put(replica, held - back);
            b.granted -= back;
        }
        return back;
    }

    /** What the log granted {@code replica} of budget {@code key} in all (it may spend up to this). */
    public long granted(String key, String replica) {
        Budget b = budgets.get(key);
        return b == null ? 0 : b.byReplica.getOrDefault(replica, 0L);
    }

    /** What is granted to all replicas together. */
    public long grantedInAll(String key) {
        Budget b = budgets.get(key);
        return b == null ? 0 : b.granted;
    }

    /**
     * How much a replica should ask for when its grant runs short: a tenth of what is still unleased while
     * that is more than {@code 10 × replicas} charges, else an equal share of it per replica (at least one
     * charge, so the last micros are not stranded in a grant too small to use).
     */
    public static long askFor(long unleased, int replicas, long chargeMicros) {
        if (unleased <= 0) {
            return 0;
        }
        long share = unleased > 10L * replicas * Math.max(1, chargeMicros) ? unleased / 10 : unleased / Math.max(1, replicas);
        return Math.min(unleased, Math.max(share, Math.max(1, chargeMicros)));
    }
}
