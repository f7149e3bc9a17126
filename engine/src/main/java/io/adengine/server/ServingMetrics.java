package io.adengine.server;

import io.adengine.index.SnapshotHolder;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.SummaryWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.IOException;
import java.io.OutputStream;

/**
 * What the engine counts: requests by outcome, ads served, and request latency (server time, from the
 * request's arrival to its answer being written) in an HdrHistogram. Recording is wait-free from any
 * thread; the latency quantiles exported cover everything since start.
 */
public final class ServingMetrics {

    /** Outcomes a request is counted under. */
    public enum RequestOutcome {
        FILLED, NO_FILL, BAD_REQUEST, ERROR,
        /** Answered 503 by admission control before being parsed. */
        SHED,
        /** Over the user's rate limit ({@code server.userRateLimit}). */
        RATE_LIMITED;

        final String label = name().toLowerCase(java.util.Locale.ROOT);
    }

    private static final long MAX_TRACKABLE_MICROS = 60_000_000L;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Counter adsServed;
    private final Recorder recorder = new Recorder(MAX_TRACKABLE_MICROS, 3);
    private final Histogram total = new Histogram(MAX_TRACKABLE_MICROS, 3);

    public ServingMetrics(SnapshotHolder snapshots) {
        requests = Counter.builder().name("adengine_ad_requests_total")
                .help("Ad requests answered, by outcome").labelNames("outcome").register(registry);
        adsServed = Counter.builder().name("adengine_ads_served_total").help("Ads returned in answers").register(registry);
        for (RequestOutcome o : RequestOutcome.values()) {
            requests.labelValues(o.label);
        }
        SummaryWithCallback.builder().name("adengine_ad_request_latency_seconds")
                .help("Server time per ad request (HdrHistogram, since start)")
                .callback(cb -> {
                    Histogram h = latencySnapshot();
                    cb.call(h.getTotalCount(), sumSeconds(h), Quantiles.of(
                            quantile(h, 0.5), quantile(h, 0.9), quantile(h, 0.99), quantile(h, 0.999), quantile(h, 1.0)));
                })
                .register(registry);
        GaugeWithCallback.builder().name("adengine_catalog_version").help("Version of the catalog being served")
                .callback(cb -> cb.call(snapshots.current().version())).register(registry);
        GaugeWithCallback.builder().name("adengine_ad_groups").help("Ad groups in the serving snapshot")
                .callback(cb -> cb.call(snapshots.current().adGroupCount())).register(registry);
    }

    /** The registry, for other components' metrics (exported on the same {@code GET /metrics}). */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** Counts one answered request and records its server time. */
    public void record(RequestOutcome outcome, int ads, long nanos) {
        requests.labelValues(outcome.label).inc();
        if (ads > 0) {
            adsServed.inc(ads);
        }
        recorder.recordValue(Math.min(MAX_TRACKABLE_MICROS, Math.max(0, nanos / 1_000)));
    }

    /** Counts one request without recording its time (shed and rate-limited ones: their quick answers are not serving time). */
    public void count(RequestOutcome outcome) {
        requests.labelValues(outcome.label).inc();
    }

    /** Everything recorded so far (a copy). */
    public synchronized Histogram latencySnapshot() {
        total.add(recorder.getIntervalHistogram());
        return total.copy();
    }

    /** Writes every metric in the Prometheus text format. */
    public void writeText(OutputStream out) throws IOException {
        PrometheusTextFormatWriter.create().write(out, registry.scrape(), io.prometheus.metrics.config.EscapingScheme.UNDERSCORE_ESCAPING);
    }

    public static String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    private static Quantile quantile(Histogram h, double q) {
        return new Quantile(q, h.getValueAtPercentile(q * 100) / 1e6);
    }

    private static double sumSeconds(Histogram h) {
        return h.getMean() * h.getTotalCount() / 1e6;
    }
}
