/**
 * The HTTP load generator (closed loop for maximum throughput, open loop at a fixed rate without
 * coordinated omission), its report files (HdrHistogram {@code .hgrm} and a percentile plot), and the
 * Netty hello-world server that is the same-run throughput baseline.
 */
package io.adengine.bench.load;
