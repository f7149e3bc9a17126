/**
 * Frequency caps: per user and counter ({@code index.FrequencyRule}) counts of counted impressions and clicks, written
 * by one events-pipeline thread ({@link io.adengine.frequency.FrequencyCounts}) and read lock-free by the serving
 * threads through {@code match.FrequencyGate}. Users are keyed by a pseudonymous 64-bit frequency key
 * ({@code events.FrequencyKeys}), never by their GAID.
 */
package io.adengine.frequency;
