/**
 * Many identical replicas on Kafka: {@link io.adengine.cluster.CatalogLog} puts the catalog on a log (admin
 * changes appended as proposals to one single-partition topic and applied in order into every replica's
 * {@link io.adengine.catalog.CatalogStore}), with the replica's readiness and lag. Depends on {@code catalog}
 * and {@code config}; only {@code server} (the wiring) uses it. No HTTP here.
 */
package io.adengine.cluster;
