package io.adengine.budget;

import io.adengine.testing.Property;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Budget leases on random logs of requests and releases from several replicas, each spending only within
 * its grant: the cluster never spends more than the limit, replicas applying the same log agree on every
 * grant, and with enough demand the budget is spent down to less than one charge per replica.
 */
class BudgetLeasesProperties {

    private record Entry(boolean request, String key, String replica, long amount, long limit) {
    }

    @Test
    void grantsShouldNeverExceedTheLimitAndEveryReplicaShouldAgree() {
        Property.forAll(500, gen -> {
            Random r = gen.random();
            int replicas = 1 + r.nextInt(5);
            long limit = 1 + r.nextInt(2) * r.nextInt(50_000_000);
            long charge = 1 + r.nextInt(3_000_000);
            List<Entry> log = new ArrayList<>();
            BudgetLeases leases = new BudgetLeases();
            Map<String, Long> spent = new HashMap<>();
            long spentInAll = 0;
            for (int step = 0; step < 400; step++) {
                String replica = "r" + r.nextInt(replicas);
                long own = spent.getOrDefault(replica, 0L);
                long grant = leases.granted("g", replica);
                if (grant - own >= charge && r.nextInt(4) != 0) {
                    spent.put(replica, own + charge);
                    spentInAll += charge;
                } else if (r.nextInt(10) == 0 && grant > own) {
                    long back = 1 + r.nextInt((int) Math.min(Integer.MAX_VALUE, grant - own));
                    log.add(new Entry(false, "g", replica, back, limit));
                    leases.release("g", replica, back);
                } else {
                    // Requesters ask from their own view, which may be stale: a third of the asks are anything up to the limit.
                    long ask = r.nextInt(3) == 0 ? 1 + (long) (r.nextDouble() * limit)
                            : BudgetLeases.askFor(limit - leases.grantedInAll("g"), replicas, charge);
                    log.add(new Entry(true, "g", replica, ask, limit));
                    leases.request("g", replica, ask, limit);
                }
                assertThat(leases.grantedInAll("g")).isLessThanOrEqualTo(limit);
                assertThat(spentInAll).isLessThanOrEqualTo(limit);
            }
            BudgetLeases again = new BudgetLeases();
            for (Entry e : log) {
                if (e.request()) {
                    again.request(e.key(), e.replica(), e.amount(), e.limit());
                } else {
                    again.release(e.key(), e.replica(), e.amount());
                }
            }
            for (int i = 0; i < replicas; i++) {
                assertThat(again.granted("g", "r" + i)).isEqualTo(leases.granted("g", "r" + i));
            }
        });
    }

    @Test
    void aBudgetShouldBeSpentDownToLessThanOneChargePerReplica() {
        Property.forAll(300, gen -> {
            Random r = gen.random();
            int replicas = 1 + r.nextInt(5);
            long charge = 1 + r.nextInt(100_000);
            long limit = charge * (1 + r.nextInt(5_000)) + r.nextInt((int) charge);
            BudgetLeases leases = new BudgetLeases();
            long[] spent = new long[replicas];
            long total = 0;
            for (int step = 0; step < 1_000_000; step++) {
                int i = r.nextInt(replicas);
                String replica = "r" + i;
                if (leases.granted("g", replica) - spent[i] >= charge) {
                    spent[i] += charge;
                    total += charge;
                } else {
                    long ask = BudgetLeases.askFor(limit - leases.grantedInAll("g"), replicas, charge);
                    leases.request("g", replica, ask, limit);
                    if (ask == 0 && nobodyCanSpend(leases, spent, charge)) {
                        break;
                    }
                }
            }
            assertThat(total).isLessThanOrEqualTo(limit);
            assertThat(limit - total).as("left over").isLessThan((long) replicas * charge);
        });
    }

    private static boolean nobodyCanSpend(BudgetLeases leases, long[] spent, long charge) {
        for (int i = 0; i < spent.length; i++) {
            if (leases.granted("g", "r" + i) - spent[i] >= charge) {
                return false;
            }
        }
        return true;
    }
}
