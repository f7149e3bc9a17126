package io.adengine.match;

import io.adengine.index.Snapshot;

/**
 * Whether an ad group's budgets, pacing and account money allow serving it once more. Read on the
 * serving path: implementations must be lock-free and allocation-free.
 */
@FunctionalInterface
public interface BudgetGate {

    /** No spend tracking: everything the catalog allows may serve. */
    BudgetGate UNLIMITED = (snapshot, ordinal) -> true;

    boolean allows(Snapshot snapshot, int ordinal);
}
