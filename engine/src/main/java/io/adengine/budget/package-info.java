/**
 * Money in flight, in one place: the single-writer {@link io.adengine.budget.SpendLedger} (spend per ad
 * group per local day, per ad group in total, per account; reservations of what was served but not yet
 * billed), the {@link io.adengine.budget.LedgerBudgetGate} the serving path reads it through, lock-free
 * and allocation-free, with the per-ad-group pacing rate, and the {@link io.adengine.budget.BillingRules}
 * (what each event costs under CPM, CPC, CPA and CPT) that the event pipeline charges by. Everything is
 * keyed by catalog id, never by snapshot ordinal.
 */
package io.adengine.budget;
