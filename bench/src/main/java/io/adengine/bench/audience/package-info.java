/**
 * Audience benchmarks on workload M of BENCHMARKS.md: a deterministic generator of users, audiences,
 * demographics and install histories ({@link io.adengine.bench.audience.AudienceWorkload}), a CLI that
 * builds the store and measures import rate and resident memory
 * ({@link io.adengine.bench.audience.AudienceWorkloadMain}), and a JMH benchmark of the added cost per
 * decision of user resolution plus user-side filtering ({@link io.adengine.bench.audience.UserFilterBenchmark}).
 */
package io.adengine.bench.audience;
