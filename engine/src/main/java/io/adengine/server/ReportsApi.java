package io.adengine.server;

import com.fasterxml.jackson.core.JsonGenerator;
import io.adengine.budget.AccountSpend;
import io.adengine.events.BillingEvent;
import io.adengine.events.EventPipeline;
import io.adengine.events.InvalidReason;
import io.adengine.events.ReportRollups;
import io.adengine.events.ReportRollups.Dimension;
import io.adengine.events.ReportRollups.Granularity;
import io.adengine.model.Account;
import io.adengine.model.Currency;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Admin reports: {@code GET /v1/admin/reports} (delivery and cost rows, JSON or CSV) and
 * {@code GET /v1/admin/reports/account?accountId=} (balance, spend, spend per day). See engine/README.md
 * "Events and billing" for the parameters.
 */
final class ReportsApi {

    private final EventPipeline events;

    ReportsApi(EventPipeline events) {
        this.events = events;
    }

    boolean handle(ChannelHandlerContext ctx, FullHttpRequest request, String path, boolean keepAlive) throws IOException {
        if (!path.equals("/v1/admin/reports") && !path.equals("/v1/admin/reports/account")) {
            return false;
        }
        if (!request.method().equals(HttpMethod.GET)) {
            HttpResponses.send(ctx, Routes.methodNotAllowed(ctx, "GET"), keepAlive);
            return true;
        }
        try {
            QueryParameters q = QueryParameters.of(request.uri());
            FullHttpResponse r = path.equals("/v1/admin/reports") ? report(ctx, q) : account(ctx, q);
            HttpResponses.send(ctx, r, keepAlive);
        } catch (BadParameter e) {
            HttpResponses.send(ctx, HttpResponses.error(ctx, e.error()), keepAlive);
        }
        return true;
    }

    private FullHttpResponse report(ChannelHandlerContext ctx, QueryParameters q) throws BadParameter, IOException {
        EnumSet<Dimension> groupBy = EnumSet.noneOf(Dimension.class);
        String g = q.one("groupBy");
        if (g != null && !g.isBlank()) {
            for (String part : g.split(",")) {
                Dimension d = Dimension.ofParam(part.trim());
                if (d == null) {
                    throw new BadParameter("groupBy", "unknown dimension \"" + part.trim()
                            + "\"; use account, campaign, adGroup, creative, country, adSpace, publisher");
                }
                groupBy.add(d);
            }
        }
        Granularity granularity;
        try {
            granularity = Granularity.valueOf(String.valueOf(q.one("granularity") == null ? "total" : q.one("granularity"))
                    .toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadParameter("granularity", "must be total, day or hour");
        }
        int offset = (int) q.number("utcOffsetHours", -12, 12, 0);
        long from = time(q, "from", offset, Long.MIN_VALUE);
        long to = time(q, "to", offset, Long.MAX_VALUE);
        Map<Dimension, Long> filters = new EnumMap<>(Dimension.class);
        for (Dimension d : Dimension.values()) {
            String v = q.one(d.param());
            if (v != null) {
                filters.put(d, d == Dimension.COUNTRY ? country(v) : q.number(d.param(), 1, Long.MAX_VALUE, 0));
            }
        }
        String format = q.one("format") == null ? "json" : q.one("format");
        if (!format.equals("json") && !format.equals("csv")) {
            throw new BadParameter("format", "must be json or csv");
        }
        List<ReportRollups.Row> rows = events.rollups().query(groupBy, granularity, offset, from, to, filters, this::currencyOf);
        if (format.equals("csv")) {
            StringBuilder sb = new StringBuilder("period");
            for (Dimension d : groupBy) {
                sb.append(',').append(d.param());
            }
            sb.append(",currency,served,impressions,clicks,conversions,costMicros,ctr,cvr,ecpmMicros,unchargedMicros");
            for (InvalidReason reason : INVALID_REASONS) {
                sb.append(",invalid_").append(reasonName(reason));
            }
            sb.append(",videoStarts,videoFirstQuartiles,videoMidpoints,videoThirdQuartiles,videoCompletions,videoCompletionRate");
            sb.append(",otherConversions,revenueMicros,goalRevenueMicros,otherRevenueMicros");
            sb.append('\n');
            for (ReportRollups.Row r : rows) {
                sb.append(period(r.periodStart(), granularity));
                for (Dimension d : groupBy) {
                    sb.append(',').append(value(d, r.dims().get(d)));
                }
                sb.append(',').append(r.currency() == null ? "" : r.currency().name());
                sb.append(',').append(r.served()).append(',').append(r.impressions()).append(',').append(r.clicks())
                        .append(',').append(r.conversions()).append(',').append(r.costMicros())
                        .append(',').append(String.format(Locale.ROOT, "%.6f", r.ctr()))
                        .append(',').append(String.format(Locale.ROOT, "%.6f", r.cvr()))
                        .append(',').append(r.ecpmMicros()).append(',').append(r.unchargedMicros());
                for (InvalidReason reason : INVALID_REASONS) {
                    sb.append(',').append(r.invalid().get(reason));
                }
                sb.append(',').append(r.video().starts()).append(',').append(r.video().firstQuartiles())
                        .append(',').append(r.video().midpoints()).append(',').append(r.video().thirdQuartiles())
                        .append(',').append(r.video().completions())
                        .append(',').append(String.format(Locale.ROOT, "%.6f", r.video().completionRate()));
                sb.append(',').append(r.attribution().otherConversions()).append(',').append(r.attribution().revenueMicros())
                        .append(',').append(r.attribution().goalRevenueMicros()).append(',').append(r.attribution().otherRevenueMicros());
                sb.append('\n');
            }
            ByteBuf body = ByteBufUtil.writeUtf8(ctx.alloc(), sb);
            FullHttpResponse resp = HttpResponses.json(HttpResponseStatus.OK, body);
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/csv; charset=utf-8");
            return resp;
        }
        ByteBuf body = TrackerEndpoints.json(ctx, j -> {
            j.writeStartObject();
            j.writeStringField("granularity", granularity.name().toLowerCase(Locale.ROOT));
            j.writeArrayFieldStart("rows");
            for (ReportRollups.Row r : rows) {
                j.writeStartObject();
                j.writeStringField("period", period(r.periodStart(), granularity));
                for (Dimension d : groupBy) {
                    writeDim(j, d, r.dims().get(d));
                }
                if (r.currency() == null) {
                    j.writeNullField("currency");
                } else {
                    j.writeStringField("currency", r.currency().name());
                }
                j.writeNumberField("served", r.served());
                j.writeNumberField("impressions", r.impressions());
                j.writeNumberField("clicks", r.clicks());
                j.writeNumberField("conversions", r.conversions());
                j.writeNumberField("otherConversions", r.attribution().otherConversions());
                j.writeNumberField("revenueMicros", r.attribution().revenueMicros());
                j.writeNumberField("goalRevenueMicros", r.attribution().goalRevenueMicros());
                j.writeNumberField("otherRevenueMicros", r.attribution().otherRevenueMicros());
                j.writeNumberField("costMicros", r.costMicros());
                j.writeNumberField("ctr", r.ctr());
                j.writeNumberField("cvr", r.cvr());
                j.writeNumberField("ecpmMicros", r.ecpmMicros());
                j.writeNumberField("unchargedMicros", r.unchargedMicros());
                j.writeObjectFieldStart("invalid");
                for (InvalidReason reason : INVALID_REASONS) {
                    j.writeNumberField(reasonName(reason), r.invalid().get(reason));
                }
                j.writeEndObject();
                j.writeNumberField("videoStarts", r.video().starts());
                j.writeNumberField("videoFirstQuartiles", r.video().firstQuartiles());
                j.writeNumberField("videoMidpoints", r.video().midpoints());
                j.writeNumberField("videoThirdQuartiles", r.video().thirdQuartiles());
                j.writeNumberField("videoCompletions", r.video().completions());
                j.writeNumberField("videoCompletionRate", r.video().completionRate());
                j.writeEndObject();
            }
            j.writeEndArray();
            j.writeEndObject();
        });
        return HttpResponses.json(HttpResponseStatus.OK, body);
    }

    private static final List<InvalidReason> INVALID_REASONS = java.util.Arrays.stream(InvalidReason.values())
            .filter(r -> r != InvalidReason.NONE).toList();

    /** CLICK_WITHOUT_IMPRESSION → clickWithoutImpression. */
    static String reasonName(InvalidReason r) {
        StringBuilder sb = new StringBuilder();
        for (String part : r.name().toLowerCase(Locale.ROOT).split("_")) {
            sb.append(sb.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return sb.toString();
    }

    /** The currency of an account in the catalog being served ({@code null} once the account is gone). */
    private Currency currencyOf(long accountId) {
        Account a = events.snapshots().current().catalog().account(accountId);
        return a == null ? null : a.currency();
    }

    private static void writeDim(JsonGenerator j, Dimension d, long v) throws IOException {
        if (d == Dimension.COUNTRY) {
            j.writeStringField(d.param(), BillingEvent.countryName((short) v));
        } else {
            j.writeNumberField(d.param(), v);
        }
    }

    private static String value(Dimension d, long v) {
        return d == Dimension.COUNTRY ? BillingEvent.countryName((short) v) : Long.toString(v);
    }

    private static String period(long start, Granularity g) {
        return g == Granularity.TOTAL ? "total" : Instant.ofEpochMilli(start).toString();
    }

    private FullHttpResponse account(ChannelHandlerContext ctx, QueryParameters q) throws BadParameter, IOException {
        long id = q.requiredNumber("accountId", 1, Long.MAX_VALUE);
        int offset = (int) q.number("utcOffsetHours", -12, 12, 0);
        Account account = events.snapshots().current().catalog().account(id);
        if (account == null) {
            throw new BadParameter("accountId", "no account with id " + id);
        }
        AccountSpend spend = events.ledger().account(id);
        List<ReportRollups.Row> days = events.rollups().query(EnumSet.noneOf(Dimension.class), Granularity.DAY, offset,
                Long.MIN_VALUE, Long.MAX_VALUE, Map.of(Dimension.ACCOUNT, id), this::currencyOf);
        ByteBuf body = TrackerEndpoints.json(ctx, j -> {
            j.writeStartObject();
            j.writeNumberField("accountId", id);
            j.writeStringField("currency", account.currency().name());
            j.writeStringField("paymentMode", account.paymentMode().name());
            j.writeNumberField("catalogBalanceMicros", account.balanceMicros());
            j.writeNumberField("creditLimitMicros", account.creditLimitMicros());
            j.writeNumberField("spentMicros", spend.spent());
            j.writeNumberField("reservedMicros", spend.reserved());
            j.writeNumberField("balanceMicros", account.balanceMicros() - spend.spent());
            j.writeNumberField("spendableMicros", account.spendableMicros() - spend.spent());
            j.writeArrayFieldStart("spendHistory");
            for (ReportRollups.Row r : days) {
                j.writeStartObject();
                j.writeStringField("day", Instant.ofEpochMilli(r.periodStart()).atOffset(ZoneOffset.ofHours(offset)).toLocalDate().toString());
                j.writeNumberField("costMicros", r.costMicros());
                j.writeNumberField("impressions", r.impressions());
                j.writeNumberField("clicks", r.clicks());
                j.writeNumberField("conversions", r.conversions());
                j.writeNumberField("otherConversions", r.attribution().otherConversions());
                j.writeNumberField("revenueMicros", r.attribution().revenueMicros());
                j.writeEndObject();
            }
            j.writeEndArray();
            j.writeEndObject();
        });
        return HttpResponses.json(HttpResponseStatus.OK, body);
    }

    /** A two-letter country code, as the rollups pack it. */
    private static long country(String v) throws BadParameter {
        short packed = BillingEvent.packCountry(v);
        if (packed == 0) {
            throw new BadParameter("country", "country must be a two-letter country code such as IN");
        }
        return packed;
    }

    /** Epoch millis, an ISO instant, or a date (start of that day at the report's offset). */
    private static long time(QueryParameters q, String name, int offset, long fallback) throws BadParameter {
        String v = q.one(name);
        if (v == null) {
            return fallback;
        }
        try {
            if (!v.isEmpty() && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return QueryParameters.number(name, v, 0, Long.MAX_VALUE);
            }
            if (v.length() == 10) {
                return LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.ofHours(offset)).toEpochMilli();
            }
            return Instant.parse(v).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new BadParameter(name, name + " must be epoch millis, yyyy-MM-dd or an ISO instant");
        }
    }
}
