/**
 * Impressions to billing: the impressions of an answer and their signed tracker tokens
 * ({@link io.adengine.events.TrackerMint}, {@link io.adengine.events.TrackerSigner}), the Disruptor event
 * pipeline ({@link io.adengine.events.EventPipeline}) with its durable {@link io.adengine.events.Journal},
 * tracker dedup ({@link io.adengine.events.TrackerDedup}), report rollups
 * ({@link io.adengine.events.ReportRollups}) and the optional Kafka sink. What an event costs is the
 * {@code budget} package's.
 */
package io.adengine.events;
