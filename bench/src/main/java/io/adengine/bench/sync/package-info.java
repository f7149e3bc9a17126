/**
 * Control-plane sync benchmark: freshness (change acknowledged → first ad response built from a catalog
 * that contains it) during a storm of catalog changes, and serving latency during the storm against idle.
 */
package io.adengine.bench.sync;
