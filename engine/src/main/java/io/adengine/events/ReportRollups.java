package io.adengine.events;

import io.adengine.model.Currency;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;

/**
 * Report rollups: counts and cost per UTC hour × account × campaign × ad group × creative × country ×
 * ad space × publisher, updated by one thread (the rollup handler, or replay); queried by any thread
 * (cells live in a {@link RollupTable} keyed by primitives: an event allocates nothing). Cost is in the
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

    /**
     * One row of a report: its period start (epoch millis, 0 for total), dimension values, the currency its cost is
     * in (rows never add different currencies; {@code null} when the account is no longer in the catalog), and sums:
     * counted events, cost charged, cost that budgets had no room for (not charged), invalid events by reason.
     * {@code conversions} counts the goal conversions (those of an event in the ad group's {@code conversionEvents}, or
     * of any event when it has none): the ones CPA charges and CVR divides; the others are in {@code attribution}.
     */
    public record Row(long periodStart, Map<Dimension, Long> dims, Currency currency, long served, long impressions, long clicks,
                      long conversions, long costMicros, long unchargedMicros, Map<InvalidReason, Long> invalid, Video video,
                      Attribution attribution) {

        /** A row without other conversions or revenue. */
        public Row(long periodStart, Map<Dimension, Long> dims, Currency currency, long served, long impressions, long clicks,
                   long conversions, long costMicros, long unchargedMicros, Map<InvalidReason, Long> invalid, Video video) {
            this(periodStart, dims, currency, served, impressions, clicks, conversions, costMicros, unchargedMicros, invalid, video,
                    Attribution.NONE);
        }

        /** A row without video events. */
        public Row(long periodStart, Map<Dimension, Long> dims, Currency currency, long served, long impressions, long clicks,
                   long conversions, long costMicros, long unchargedMicros, Map<InvalidReason, Long> invalid) {
            this(periodStart, dims, currency, served, impressions, clicks, conversions, costMicros, unchargedMicros, invalid, Video.NONE);
        }

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

    /**
     * Video playback data: starts, quartiles and completions counted from the engine's VAST trackers (skips and
     * closes are counted in the tracker metrics only).
     */
    public record Video(long starts, long firstQuartiles, long midpoints, long thirdQuartiles, long completions) {

        static final Video NONE = new Video(0, 0, 0, 0, 0);

        /** Completions per start, 0 without starts. */
        public double completionRate() {
            return starts == 0 ? 0 : (double) completions / starts;
        }
    }

    /**
     * What the conversions beyond the goal count brought: counted conversions whose event is not a goal of their ad
     * group (never charged), and the revenue micros reported with the goal and with the other conversions (in the
     * account's currency, as the partner sent it).
     */
    public record Attribution(long otherConversions, long goalRevenueMicros, long otherRevenueMicros) {

        static final Attribution NONE = new Attribution(0, 0, 0);

        /** The revenue of every counted conversion, goal or not. */
        public long revenueMicros() {
            return goalRevenueMicros + otherRevenueMicros;
        }
    }

    private static final long HOUR_MILLIS = 3_600_000L;

    private final RollupTable cells = new RollupTable();

    /** Adds one event that the journal accepted (ledger has set its charge). */
    public void apply(BillingEvent e) {
        if (e.type == EventType.TICK || e.type == EventType.CHECKPOINT) {
            return;
        }
        if (e.status == BillingEvent.Status.INVALID) {
            long hourCountry = Math.floorDiv(e.timeMillis, HOUR_MILLIS) << 16 | (e.country & 0xffffL);
            cells.add(hourCountry, e.accountId, e.campaignId, e.adGroupId, e.creativeId, e.adSpaceId, e.publisherId,
                    RollupTable.INVALID + e.invalidReason.code - 1, 1);
            return;
        }
        if (e.status != BillingEvent.Status.ACCEPTED) {
            return;
        }
        int counter = switch (e.type) {
            case SERVED -> RollupTable.SERVED;
            case IMPRESSION -> RollupTable.IMPRESSIONS;
            case CLICK -> RollupTable.CLICKS;
            case CONVERSION -> e.goal ? RollupTable.CONVERSIONS : RollupTable.OTHER_CONVERSIONS;
            case VIDEO_START -> RollupTable.VIDEO_STARTS;
            case VIDEO_FIRST_QUARTILE -> RollupTable.VIDEO_FIRST_QUARTILES;
            case VIDEO_MIDPOINT -> RollupTable.VIDEO_MIDPOINTS;
            case VIDEO_THIRD_QUARTILE -> RollupTable.VIDEO_THIRD_QUARTILES;
            case VIDEO_COMPLETE -> RollupTable.VIDEO_COMPLETIONS;
            case VIDEO_SKIP, VIDEO_CLOSE -> -1;
            case TICK, CHECKPOINT -> throw new AssertionError("ticks and checkpoints are not rolled up");
        };
        if (counter < 0) {
            return;
        }
        long hourCountry = Math.floorDiv(e.timeMillis, HOUR_MILLIS) << 16 | (e.country & 0xffffL);
        cells.add(hourCountry, e.accountId, e.campaignId, e.adGroupId, e.creativeId, e.adSpaceId, e.publisherId, counter, 1);
        if (e.chargedMicros > 0) {
            cells.add(hourCountry, e.accountId, e.campaignId, e.adGroupId, e.creativeId, e.adSpaceId, e.publisherId, RollupTable.COST,
                    e.chargedMicros);
        }
        if (e.unchargedMicros > 0) {
            cells.add(hourCountry, e.accountId, e.campaignId, e.adGroupId, e.creativeId, e.adSpaceId, e.publisherId, RollupTable.UNCHARGED,
                    e.unchargedMicros);
        }
        if (e.type == EventType.CONVERSION && e.revenueMicros > 0) {
            cells.add(hourCountry, e.accountId, e.campaignId, e.adGroupId, e.creativeId, e.adSpaceId, e.publisherId,
                    e.goal ? RollupTable.GOAL_REVENUE : RollupTable.OTHER_REVENUE, e.revenueMicros);
        }
    }

    /** The checkpoint's rollups part (rollup thread). */
    void writeState(java.io.DataOutputStream out) throws java.io.IOException {
        cells.writeState(out);
    }

    /** Forgets every cell (a checkpoint that could not be loaded whole). */
    void clearState() {
        cells.clear();
    }

    /** Loads a checkpoint's rollups part (before the handlers start). */
    void readState(java.io.DataInputStream in) throws java.io.IOException {
        cells.readState(in);
    }

    /** As {@link #readState(java.io.DataInputStream)} for an older checkpoint's cells of {@code counters} counters. */
    void readState(java.io.DataInputStream in, int counters) throws java.io.IOException {
        cells.readState(in, counters);
    }

    /** The value of a dimension in slot i of a table generation. */
    private static long value(RollupTable.Table t, int i, Dimension d) {
        return switch (d) {
            case ACCOUNT -> t.key(i, 1);
            case CAMPAIGN -> t.key(i, 2);
            case AD_GROUP -> t.key(i, 3);
            case CREATIVE -> t.key(i, 4);
            case COUNTRY -> (short) (t.key(i, 0) & 0xffff);
            case AD_SPACE -> t.key(i, 5);
            case PUBLISHER -> t.key(i, 6);
        };
    }

    /**
     * Sums cells in {@code [fromMillis, toMillis)} whose dimensions match every filter, grouped by the
     * given dimensions and time buckets (days and hours in UTC shifted by {@code utcOffsetHours}).
     * Rows come sorted by period, then dimension values.
     */
    public List<Row> query(EnumSet<Dimension> groupBy, Granularity granularity, int utcOffsetHours, long fromMillis, long toMillis,
                           Map<Dimension, Long> filters, LongFunction<Currency> currencyOfAccount) {
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
        RollupTable.Table t = cells.table();
        outer:
        for (int i = 0; i < t.slots(); i++) {
            if (!t.used(i)) {
                continue;
            }
            long hour = (t.key(i, 0) >> 16) * HOUR_MILLIS;
            if (hour < fromMillis || hour >= toMillis) {
                continue;
            }
            for (Map.Entry<Dimension, Long> f : filters.entrySet()) {
                if (value(t, i, f.getKey()) != f.getValue()) {
                    continue outer;
                }
            }
            long period = switch (granularity) {
                case TOTAL -> 0;
                case HOUR -> hour;
                case DAY -> Math.floorDiv(hour + offset, 86_400_000L) * 86_400_000L - offset;
            };
            List<Long> key = new ArrayList<>();
            key.add(period);
            for (Dimension d : groupBy) {
                key.add(value(t, i, d));
            }
            // The currency last, so a row never adds costs in different currencies.
            Currency currency = currencyOfAccount.apply(value(t, i, Dimension.ACCOUNT));
            key.add(currency == null ? -1L : currency.ordinal());
            long[] s = sums.computeIfAbsent(key, x -> new long[RollupTable.COUNTERS]);
            for (int c = 0; c < RollupTable.COUNTERS; c++) {
                s[c] += t.count(i, c);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<List<Long>, long[]> en : sums.entrySet()) {
            Map<Dimension, Long> dims = new java.util.EnumMap<>(Dimension.class);
            int i = 1;
            for (Dimension d : groupBy) {
                dims.put(d, en.getKey().get(i++));
            }
            long[] s = en.getValue();
            long currency = en.getKey().get(i);
            Map<InvalidReason, Long> invalid = new java.util.EnumMap<>(InvalidReason.class);
            for (InvalidReason r : InvalidReason.values()) {
                if (r != InvalidReason.NONE) {
                    invalid.put(r, s[RollupTable.INVALID + r.code - 1]);
                }
            }
            rows.add(new Row(en.getKey().get(0), dims, currency < 0 ? null : Currency.values()[(int) currency],
                    s[RollupTable.SERVED], s[RollupTable.IMPRESSIONS], s[RollupTable.CLICKS], s[RollupTable.CONVERSIONS],
                    s[RollupTable.COST], s[RollupTable.UNCHARGED], invalid, new Video(s[RollupTable.VIDEO_STARTS],
                    s[RollupTable.VIDEO_FIRST_QUARTILES], s[RollupTable.VIDEO_MIDPOINTS], s[RollupTable.VIDEO_THIRD_QUARTILES],
                    s[RollupTable.VIDEO_COMPLETIONS]), new Attribution(s[RollupTable.OTHER_CONVERSIONS], s[RollupTable.GOAL_REVENUE],
                    s[RollupTable.OTHER_REVENUE])));
        }
        return rows;
    }
}
