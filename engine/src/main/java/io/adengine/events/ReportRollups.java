package io.adengine.events;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Report rollups: counts and cost per UTC hour × account × campaign × ad group × creative × country ×
 * ad space × publisher, updated by one thread (the rollup handler, or replay); queried by any thread
 * (values are volatile, the map concurrent, so a query sees each cell's latest counts). Cost is in the
 * account's currency and is booked at the hour of the charging event.
 */
public final class ReportRollups {

    /** Dimensions a report can be grouped and filtered by. */
    public enum Dimension {
        ACCOUNT, CAMPAIGN, AD_GROUP, CREATIVE, COUNTRY, AD_SPACE, PUBLISHER;

        /** The query-parameter name: campaign, adGroup, adSpace... */
        public String param() {
            String[] parts = name().toLowerCase(Locale.ROOT).split("_");
            return parts.length == 1 ? parts[0] : parts[0] + Character.toUpperCase(parts[1].charAt(0)) + parts[1].substring(1);
        }

        public static Dimension ofParam(String p) {
            for (Dimension d : values()) {
                if (d.param().equals(p)) {
                    return d;
                }
            }
            return null;
        }
    }

    /** Time buckets of a report. */
    public enum Granularity { TOTAL, DAY, HOUR }

    record Key(long hour, long account, long campaign, long adGroup, long creative, short country, long adSpace, long publisher) {
        long value(Dimension d) {
            return switch (d) {
                case ACCOUNT -> account;
                case CAMPAIGN -> campaign;
                case AD_GROUP -> adGroup;
                case CREATIVE -> creative;
                case COUNTRY -> country;
                case AD_SPACE -> adSpace;
                case PUBLISHER -> publisher;
            };
        }
    }

    static final class Cell {
        volatile long served;
        volatile long impressions;
        volatile long clicks;
        volatile long conversions;
        volatile long costMicros;
    }

    /** One row of a report: its period start (epoch millis, 0 for total), dimension values and sums. */
    public record Row(long periodStart, Map<Dimension, Long> dims, long served, long impressions, long clicks,
                      long conversions, long costMicros) {

        /** Clicks per impression, 0 without impressions. */
        public double ctr() {
            return impressions == 0 ? 0 : (double) clicks / impressions;
        }

        /** Conversions per click, 0 without clicks. */
        public double cvr() {
            return clicks == 0 ? 0 : (double) conversions / clicks;
        }

        /** Cost per thousand impressions, micros (floor), 0 without impressions. */
        public long ecpmMicros() {
            return impressions == 0 ? 0 : io.adengine.model.Money.mulDiv(costMicros, 1000, impressions);
        }
    }

    private final Map<Key, Cell> cells = new ConcurrentHashMap<>();

    /** Adds one event that the journal accepted (ledger has set its charge). */
    public void apply(BillingEvent e) {
        if (e.type == EventType.TICK || e.status != BillingEvent.Status.ACCEPTED) {
            return;
        }
        Key k = new Key(Math.floorDiv(e.timeMillis, 3_600_000L) * 3_600_000L, e.accountId, e.campaignId, e.adGroupId,
                e.creativeId, e.country, e.adSpaceId, e.publisherId);
        Cell c = cells.computeIfAbsent(k, x -> new Cell());
        switch (e.type) {
            case SERVED -> c.served = c.served + 1;
            case IMPRESSION -> c.impressions = c.impressions + 1;
            case CLICK -> c.clicks = c.clicks + 1;
            case CONVERSION -> c.conversions = c.conversions + 1;
            default -> { }
        }
        if (e.chargedMicros > 0) {
            c.costMicros = c.costMicros + e.chargedMicros;
        }
    }

    /**
     * Sums cells in {@code [fromMillis, toMillis)} whose dimensions match every filter, grouped by the
     * given dimensions and time buckets (days and hours in UTC shifted by {@code utcOffsetHours}).
     * Rows come sorted by period, then dimension values.
     */
    public List<Row> query(EnumSet<Dimension> groupBy, Granularity granularity, int utcOffsetHours, long fromMillis, long toMillis,
                           Map<Dimension, Long> filters) {
        Map<List<Long>, long[]> sums = new TreeMap<>((a, b) -> {
            for (int i = 0; i < a.size(); i++) {
                int c = Long.compare(a.get(i), b.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        });
        long offset = utcOffsetHours * 3_600_000L;
        outer:
        for (Map.Entry<Key, Cell> en : cells.entrySet()) {
            Key k = en.getKey();
            if (k.hour < fromMillis || k.hour >= toMillis) {
                continue;
            }
            for (Map.Entry<Dimension, Long> f : filters.entrySet()) {
                if (k.value(f.getKey()) != f.getValue()) {
                    continue outer;
                }
            }
            long period = switch (granularity) {
                case TOTAL -> 0;
                case HOUR -> k.hour;
                case DAY -> Math.floorDiv(k.hour + offset, 86_400_000L) * 86_400_000L - offset;
            };
            List<Long> key = new ArrayList<>();
            key.add(period);
            for (Dimension d : groupBy) {
                key.add(k.value(d));
            }
            long[] s = sums.computeIfAbsent(key, x -> new long[5]);
            Cell c = en.getValue();
            s[0] += c.served;
            s[1] += c.impressions;
            s[2] += c.clicks;
            s[3] += c.conversions;
            s[4] += c.costMicros;
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<List<Long>, long[]> en : sums.entrySet()) {
            Map<Dimension, Long> dims = new java.util.EnumMap<>(Dimension.class);
            int i = 1;
            for (Dimension d : groupBy) {
                dims.put(d, en.getKey().get(i++));
            }
            long[] s = en.getValue();
            rows.add(new Row(en.getKey().get(0), dims, s[0], s[1], s[2], s[3], s[4]));
        }
        return rows;
    }
}
