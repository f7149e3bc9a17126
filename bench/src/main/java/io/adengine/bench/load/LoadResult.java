package io.adengine.bench.load;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one load run measured. Latencies are in nanoseconds. {@code timedOut} requests were sent but not
 * answered and {@code unsent} ones were due but never sent before the run gave up; in open loop both are
 * recorded in the histogram with the latency they had reached by then (a lower bound). {@code admitted} holds
 * the 200 and 204 answers only: under overload the quick 503s of shed requests would otherwise pull the
 * percentiles down.
 */
public record LoadResult(String label, LoadMode mode, int connections, double targetRate, long elapsedNanos,
                         long completed, long ok200, long noFill204, long unavailable503, long otherStatus,
                         long errors, long timedOut, long unsent, Histogram histogram, Histogram admitted) {

    /** Answered requests per second. */
    public double throughput() {
        return elapsedNanos == 0 ? 0 : completed * 1e9 / elapsedNanos;
    }

    /** Share of 200 among 200 and 204 answers. */
    public double fillRate() {
        long answered = ok200 + noFill204;
        return answered == 0 ? 0 : ok200 / (double) answered;
    }

    /** A latency percentile in milliseconds. */
    public double percentileMillis(double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1e6;
    }

    /** A latency percentile of the admitted (200 / 204) answers in milliseconds. */
    public double admittedPercentileMillis(double percentile) {
        return admitted.getValueAtPercentile(percentile) / 1e6;
    }

    /** Share of the answers that were 503 (shed). */
    public double shedShare() {
        return completed == 0 ? 0 : unavailable503 / (double) completed;
    }

    public double maxMillis() {
        return histogram.getMaxValue() / 1e6;
    }

    /** The figures as ordered key/value pairs (the {@code .properties} file and the summary line). */
    public Map<String, String> figures() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("label", label);
        m.put("mode", mode.name());
        m.put("connections", Integer.toString(connections));
        m.put("targetRate", fmt(targetRate));
        m.put("seconds", fmt(elapsedNanos / 1e9));
        m.put("completed", Long.toString(completed));
        m.put("throughput", fmt(throughput()));
        m.put("fillRate", String.format(Locale.ROOT, "%.4f", fillRate()));
        m.put("status200", Long.toString(ok200));
        m.put("status204", Long.toString(noFill204));
        m.put("status503", Long.toString(unavailable503));
        m.put("otherStatus", Long.toString(otherStatus));
        m.put("errors", Long.toString(errors));
        m.put("timedOut", Long.toString(timedOut));
        m.put("unsent", Long.toString(unsent));
        m.put("p50ms", fmt3(percentileMillis(50)));
        m.put("p90ms", fmt3(percentileMillis(90)));
        m.put("p99ms", fmt3(percentileMillis(99)));
        m.put("p999ms", fmt3(percentileMillis(99.9)));
        m.put("maxms", fmt3(maxMillis()));
        m.put("shedShare", String.format(Locale.ROOT, "%.4f", shedShare()));
        m.put("admittedP50ms", fmt3(admittedPercentileMillis(50)));
        m.put("admittedP99ms", fmt3(admittedPercentileMillis(99)));
        m.put("admittedP999ms", fmt3(admittedPercentileMillis(99.9)));
        return m;
    }

    /** One human-readable line. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        figures().forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return sb.toString();
    }

    /** Writes {@code label.hgrm} (percentile distribution in ms), {@code label.png} and {@code label.properties}. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (PrintStream out = new PrintStream(Files.newOutputStream(dir.resolve(label + ".hgrm")), false, "US-ASCII")) {
            histogram.outputPercentileDistribution(out, 1e6);
        }
        PercentilePlot.write(dir.resolve(label + ".png"), label + " (" + mode.name().toLowerCase(Locale.ROOT) + " loop)", Map.of(label, histogram));
        StringBuilder props = new StringBuilder();
        figures().forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
        Files.writeString(dir.resolve(label + ".properties"), props);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String fmt3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
