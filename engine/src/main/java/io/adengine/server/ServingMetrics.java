package io.adengine.server;

import io.adengine.index.SnapshotHolder;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * What the engine counts: requests by outcome, ads served, and request latency (server time, from the
 * request's arrival to its answer being written), exported as a Prometheus histogram
 * {@code adengine_ad_request_latency_seconds} (cumulative buckets, {@code _count}, {@code _sum}), so that a
 * fleet can add engines' buckets and take quantiles over any window ({@code histogram_quantile} of a
 * {@code rate}), which since-start quantiles of one process cannot give.
 *
 * <p>Recording is wait-free and allocation-free from any thread: an HdrHistogram {@link Recorder}
 * ({@code recordValue} is a few atomic adds); a scrape swaps its interval histogram out, adds it to the
 * running total and reads the bucket counts from that. The library's own {@code Histogram.observe} is not
 * used on the serving path: while a scrape runs it appends observations to a buffer under a lock, and that
 * buffer grows. Bucket edges are exact to HdrHistogram's three significant digits.
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
    /** Upper bounds of the latency buckets, seconds: 25 µs (a decision on a warm engine) to 10 s, then +Inf. */
    static final double[] LATENCY_BUCKETS_SECONDS = {0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
            0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, Double.POSITIVE_INFINITY};
    private static final MetricMetadata LATENCY = new MetricMetadata("adengine_ad_request_latency_seconds",
            "Server time per ad request, from its arrival to its answer written");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Counter adsServed;
    private final Recorder recorder = new Recorder(MAX_TRACKABLE_MICROS, 3);
    // Guarded by this: the scrape side (one reader at a time, as Recorder wants).
    private final Histogram total = new Histogram(MAX_TRACKABLE_MICROS, 3);
    private Histogram interval;

    public ServingMetrics(SnapshotHolder snapshots) {
        requests = Counter.builder().name("adengine_ad_requests_total")
                .help("Ad requests answered, by outcome").labelNames("outcome").register(registry);
        adsServed = Counter.builder().name("adengine_ads_served_total").help("Ads returned in answers").register(registry);
        for (RequestOutcome o : RequestOutcome.values()) {
            requests.labelValues(o.label);
        }
        registry.register(this::latency);
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

    /** The latency histogram as of now: everything recorded since start, in the exported buckets. */
    synchronized HistogramSnapshot latency() {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        long[] counts = new long[LATENCY_BUCKETS_SECONDS.length];
        long below = 0;
        for (int i = 0; i < counts.length; i++) {
            double bound = LATENCY_BUCKETS_SECONDS[i];
            long upTo = Double.isInfinite(bound) ? total.getTotalCount() : total.getCountBetweenValues(0, Math.round(bound * 1e6));
            // The library wants each bucket's own count; the exposition writes them cumulated again.
            counts[i] = upTo - below;
            below = upTo;
        }
        double sumSeconds = total.getMean() * total.getTotalCount() / 1e6;
        return new HistogramSnapshot(LATENCY, List.of(new HistogramSnapshot.HistogramDataPointSnapshot(
                ClassicHistogramBuckets.of(LATENCY_BUCKETS_SECONDS, counts), sumSeconds, Labels.EMPTY, Exemplars.EMPTY, 0L)));
    }

    /** Writes every metric in the Prometheus text format. */
    public void writeText(OutputStream out) throws IOException {
        PrometheusTextFormatWriter.create().write(out, registry.scrape(), io.prometheus.metrics.config.EscapingScheme.UNDERSCORE_ESCAPING);
    }

    public static String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }
}
