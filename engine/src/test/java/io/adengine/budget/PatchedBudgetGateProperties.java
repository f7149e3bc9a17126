package io.adengine.budget;

import io.adengine.config.EngineConfig;
import io.adengine.index.Snapshot;
import io.adengine.index.SnapshotBuilder;
import io.adengine.match.CatalogPatches;
import io.adengine.match.RandomCatalogs;
import io.adengine.model.Account;
import io.adengine.model.AdGroup;
import io.adengine.model.Budget;
import io.adengine.model.Campaign;
import io.adengine.model.Catalog;
import io.adengine.testing.Property;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The budget gate reads per-segment views: on a patched snapshot (base + delta, with budgets and account
 * money changed by the patch) it allows exactly the ad groups it allows on a full build of the same
 * catalog, for random spends; the spend counters are shared by id, so spend before a patch still counts.
 * The budgets are small enough that the charges exhaust many of them: a fair share of the checks must be
 * refusals (and of allowances), or the equality would hold for a gate that allows, or refuses, everything.
 */
class PatchedBudgetGateProperties {

    private static final long NOW = 1_795_867_200_000L;

    @Test
    void gateOnPatchedSnapshotShouldEqualGateOnFullBuild() {
        long[] allowedAndRefused = new long[2];
        Property.forAll(300, gen -> sameVerdicts(gen.random(), gen.seed(), allowedAndRefused));
        if (!Property.replaying()) {
            long checks = allowedAndRefused[0] + allowedAndRefused[1];
            assertThat(allowedAndRefused[1]).as("refusals of %d checks", checks).isGreaterThan(checks / 4);
            assertThat(allowedAndRefused[0]).as("allowances of %d checks", checks).isGreaterThan(checks / 10);
        }
    }

    private static void sameVerdicts(Random r, long seed, long[] allowedAndRefused) {
        Catalog base = withBudgets(RandomCatalogs.catalog(r), r);
        Catalog current = CatalogPatches.mix(r, base, withBudgets(RandomCatalogs.catalog(r), r));
        SnapshotBuilder builder = new SnapshotBuilder(EngineConfig.AuctionConfig.defaults());
        Snapshot patched = builder.patch(builder.build(base), CatalogPatches.diff(base, current));
        Snapshot full = builder.build(current);
        SpendLedger ledger = new SpendLedger(() -> current, 60_000);
        LedgerBudgetGate gate = new LedgerBudgetGate(ledger, () -> NOW, false);
        // Views of the base are built before the patch arrives, as in a running engine.
        gate.prepare(builder.build(base));
        for (int step = 0; step < 4; step++) {
            for (AdGroup g : current.adGroups()) {
                Campaign c = current.campaign(g.campaignId());
                if (c != null && r.nextInt(3) == 0) {
                    ledger.charge(g.id(), c.accountId(), 1 + r.nextInt(2_000_000), NOW);
                }
                boolean allowed = gate.allows(full, full.ordinalOf(g.id()));
                assertThat(gate.allows(patched, patched.ordinalOf(g.id())))
                        .as("group %d, step %d, seed %d", g.id(), step, seed)
                        .isEqualTo(allowed);
                allowedAndRefused[allowed ? 0 : 1]++;
            }
        }
    }

    /** Small random daily and total budgets and account balances, so that charges exhaust them. */
    private static Catalog withBudgets(Catalog c, Random r) {
        List<AdGroup> groups = new ArrayList<>();
        for (AdGroup g : c.adGroups()) {
            groups.add(new AdGroup(g.id(), g.version(), g.campaignId(), g.name(), g.app(), g.installState(), g.placements(), g.adSpaceIds(),
                    g.publisherIds(), g.targeting(), g.schedule(), new Budget(r.nextInt(3) * 3_000_000L, r.nextInt(3) * 2_000_000L), g.bid(),
                    g.review(), g.rejectReason(), g.deliveryOn()));
        }
        List<Account> accounts = new ArrayList<>();
        for (Account a : c.accounts()) {
            accounts.add(new Account(a.id(), a.version(), a.name(), a.type(), a.company(), a.industry(), a.currency(), a.status(),
                    a.paymentMode(), r.nextInt(4) * 2_500_000L, a.creditLimitMicros(), a.commitmentLetterOnFile()));
        }
        return new Catalog(c.version(), accounts, c.campaigns(), groups, c.creatives(), c.adSpaces());
    }
}
