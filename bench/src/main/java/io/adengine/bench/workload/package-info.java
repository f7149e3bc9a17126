/**
 * Deterministic benchmark workloads (S, M, L of {@code shared/BENCHMARKS.md}): an in-memory catalog
 * built from a seed and a request stream drawn from the same distributions. Everything here is a pure
 * function of (size, seed): the same arguments give byte-identical files on every machine.
 */
package io.adengine.bench.workload;
