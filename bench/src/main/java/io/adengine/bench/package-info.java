/**
 * Measurement: JMH benchmarks (shaded into {@code bench/target/benchmarks.jar}), the workload
 * generator for the standard workloads S / M / L, and the load generator.
 */
package io.adengine.bench;
