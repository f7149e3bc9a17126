package io.adengine.server;

import io.adengine.config.EngineConfig;
import io.adengine.events.EventPipeline;
import io.adengine.events.KafkaEventSink;
import io.adengine.events.TrackerSigner;
import io.adengine.index.SnapshotHolder;
import io.adengine.match.BudgetGate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.LongSupplier;

/** How the engine plugs the event pipeline in: kept here so {@link Engine} changes by a few lines. */
final class EventsWiring {

    private EventsWiring() {
    }

    /** Starts the pipeline (replaying the journal) when {@code events.journalDir} is set; otherwise null. */
    static EventPipeline start(EngineConfig config, SnapshotHolder holder, LongSupplier clock, ServingMetrics metrics) {
        if (!config.events().enabled()) {
            return null;
        }
        try {
            EventPipeline.EventSink sink = config.events().kafkaEnabled()
                    ? new KafkaEventSink(config.events().kafkaBootstrap(), config.events().kafkaTopic()) : null;
            return EventPipeline.start(config.events(), holder, clock, metrics.registry(), sink);
        } catch (IOException e) {
            throw new UncheckedIOException("could not open the event journal in " + config.events().journalDir(), e);
        }
    }

    /** The given gate and, with a pipeline, the ledger's gate: both must allow. */
    static BudgetGate gate(EventPipeline events, BudgetGate given) {
        if (events == null) {
            return given;
        }
        BudgetGate ledger = events.budgetGate();
        if (given == BudgetGate.UNLIMITED) {
            return ledger;
        }
        return (snapshot, ordinal) -> given.allows(snapshot, ordinal) && ledger.allows(snapshot, ordinal);
    }

    static void attach(ServingContext context, EventPipeline events, EngineConfig config) {
        if (events != null) {
            context.trackers = new TrackerEndpoints(events, new TrackerSigner(config.trackers().hmacKey()));
            context.reports = new ReportsApi(events);
        }
    }
}
