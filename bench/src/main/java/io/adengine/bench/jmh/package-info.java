/**
 * JMH benchmarks (run from {@code bench/target/benchmarks.jar}): the in-process decision (figure F1) and
 * the index build, both on generated workloads. Their fixtures are plain classes so unit tests can check
 * that a benchmark measures real work (requests that fill) and not an empty catalog.
 */
package io.adengine.bench.jmh;
