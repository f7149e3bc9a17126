/**
 * Benchmarks of the event pipeline: {@link io.adengine.bench.events.JournalThroughput} (events per
 * second from publishing threads to the fsynced journal, acknowledgement latency) and
 * {@link io.adengine.bench.events.SimulatedDay} (a day of traffic on an accelerated clock: overspend
 * and spend-vs-plan error of EVEN pacing against ASAP, with a plot).
 */
package io.adengine.bench.events;
