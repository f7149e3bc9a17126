package io.adengine.catalog;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where the admin API sends a change once it is parsed: straight into the local {@link CatalogStore}
 * ({@link #local}), or, on a cluster replica, into the cluster's catalog log, answered once this replica
 * applied it. Either way the outcome is what {@link CatalogStore#apply} decided.
 */
@FunctionalInterface
public interface CatalogWriter {

    /** Applies a change or an all-or-nothing batch; completes with the store's outcome once it is durable. */
    CompletableFuture<CatalogStore.Outcome> apply(List<CatalogStore.Change> changes, String operator);

    /** The single-process writer: the store itself, synchronously. */
    static CatalogWriter local(CatalogStore store) {
        return (changes, operator) -> {
            try {
                return CompletableFuture.completedFuture(store.apply(changes, operator));
            } catch (IOException | RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        };
    }
}
