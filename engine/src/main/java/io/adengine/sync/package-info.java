/**
 * Control-plane sync: the mutable catalog the control plane writes through the admin API
 * ({@link io.adengine.sync.CatalogStore}), its validation at the door ({@link io.adengine.sync.CatalogRules}),
 * its durability (an append-only, checksummed {@link io.adengine.sync.ChangeLog} plus atomic snapshots), the
 * operation log, and the background thread that turns accepted changes into new serving snapshots
 * ({@link io.adengine.sync.SnapshotPublisher}). Serving threads never wait on any of it: they read the
 * snapshot the publisher last swapped in.
 */
package io.adengine.sync;
