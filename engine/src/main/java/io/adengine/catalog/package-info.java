/**
 * The catalog: the mutable store the control plane writes through the admin API
 * ({@link io.adengine.catalog.CatalogStore}), its validation at the door ({@link io.adengine.catalog.CatalogRules}),
 * its durability (a {@link io.adengine.catalog.ChangeLog} of checksummed records plus atomic snapshots),
 * the operation log, the catalog JSON format ({@link io.adengine.catalog.CatalogJson}), and the
 * background thread that turns accepted changes into new serving snapshots
 * ({@link io.adengine.catalog.SnapshotPublisher}). No HTTP here: the admin routes live in {@code server}.
 * Serving threads never wait on any of it: they read the snapshot the publisher last swapped in.
 */
package io.adengine.catalog;
