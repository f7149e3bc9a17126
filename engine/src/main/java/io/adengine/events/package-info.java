/**
 * Impressions to billing: signed tracker tokens ({@link io.adengine.events.TrackerSigner}), the
 * Disruptor event pipeline ({@link io.adengine.events.EventPipeline}) with its durable
 * {@link io.adengine.events.Journal}, tracker dedup ({@link io.adengine.events.TrackerDedup}),
 * report rollups ({@link io.adengine.events.ReportRollups}) and the optional Kafka sink.
 */
package io.adengine.events;
