package io.adengine.server;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * What the edge counts, per port: open connections ({@code adengine_connections_open{port}}), connections the
 * engine closed and why ({@code adengine_connections_closed_total{port,reason}}), and failed accepts
 * ({@code adengine_accept_failures_total{port}}). Data points are resolved once, so counting allocates nothing.
 */
final class EdgeMetrics {

    /** Why the engine closed a connection. */
    enum CloseReason {
        /** The port was at its connection limit and no idle connection could make room. */
        OVER_LIMIT,
        /** An idle connection closed to make room for a new one at the limit. */
        EVICTED_IDLE,
        /** Nothing read for {@code server.idleTimeoutMillis}. */
        IDLE_TIMEOUT,
        /** The request line and headers did not arrive within {@code server.headerTimeoutMillis}. */
        HEADER_TIMEOUT,
        /** The body did not arrive within {@code server.bodyTimeoutMillis} (admin: {@code adminBodyTimeoutMillis}). */
        BODY_TIMEOUT;

        final String label = name().toLowerCase(Locale.ROOT);
    }

    private final Counter closed;
    private final Counter acceptFailures;
    private final GaugeWithCallback.Builder open;
    private final PrometheusRegistry registry;
    private final Map<String, IntSupplier> openByPort = new java.util.concurrent.ConcurrentHashMap<>();

    EdgeMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        closed = Counter.builder().name("adengine_connections_closed_total")
                .help("Connections the engine closed, by port and reason").labelNames("port", "reason").register(registry);
        acceptFailures = Counter.builder().name("adengine_accept_failures_total")
                .help("Accepts that failed (e.g. EMFILE: too many open files), by port").labelNames("port").register(registry);
        open = GaugeWithCallback.builder().name("adengine_connections_open").help("Open connections, by port").labelNames("port")
                .callback(cb -> openByPort.forEach((port, count) -> cb.call(count.getAsInt(), port)));
        open.register(registry);
    }

    /** The counters of one port, whose open connections {@code openConnections} reports. */
    Port port(String name, IntSupplier openConnections) {
        openByPort.put(name, openConnections);
        return new Port(name);
    }

    PrometheusRegistry registry() {
        return registry;
    }

    /** One port's data points. */
    final class Port {
        final String name;
        private final Map<CloseReason, CounterDataPoint> closedBy = new EnumMap<>(CloseReason.class);
        private final CounterDataPoint acceptFailed;

        private Port(String name) {
            this.name = name;
            for (CloseReason r : CloseReason.values()) {
                closedBy.put(r, closed.labelValues(name, r.label));
            }
            acceptFailed = acceptFailures.labelValues(name);
        }

        void closed(CloseReason reason) {
            closedBy.get(reason).inc();
        }

        long closedCount(CloseReason reason) {
            return (long) closed.labelValues(name, reason.label).get();
        }

        void acceptFailed() {
            acceptFailed.inc();
        }

        long acceptFailures() {
            return (long) acceptFailed.get();
        }
    }
}
