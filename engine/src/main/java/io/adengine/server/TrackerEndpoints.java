package io.adengine.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.adengine.config.ClusterConfig;
import io.adengine.events.BillingEvent;
import io.adengine.events.EventMetrics.TrackerOutcome;
import io.adengine.events.EventPipeline;
import io.adengine.events.EventType;
import io.adengine.events.InvalidReason;
import io.adengine.events.TrackerSigner;
import io.adengine.index.Snapshot;
import io.adengine.model.AdGroup;
import io.adengine.model.AdSpace;
import io.adengine.model.BidModel;
import io.adengine.model.Campaign;
import io.adengine.model.Catalog;
import io.adengine.model.Creative;
import io.adengine.model.Money;
import io.adengine.model.VideoEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;

/**
 * The tracker endpoints of the public port: {@code GET /v1/events/imp?t=}, {@code GET /v1/events/click?t=},
 * {@code POST /v1/events/conversion} with body {@code {"token":"…"}} and the measurement partners' postback
 * {@code GET /v1/events/postback?click_id=…&event=…}, and the video playback events of VAST answers
 * {@code GET /v1/events/video/<start|firstQuartile|midpoint|thirdQuartile|complete|skip|close>?t=} (the impression
 * token; each event of an impression counted once, never charged). The token is checked here (signature, purpose: each
 * endpoint takes only its own kind, then expiry against the engine clock); a good one is published into the event pipeline
 * and answered only when the journal handler has forced it to disk and checked it against the dedup
 * table. Forged, expired, duplicate, refused and shed events are counted and never charged.
 */
final class TrackerEndpoints {

    private static final JsonFactory FACTORY = new JsonFactory();
    /** {@code GET /v1/events/video/<event>?t=}: a VAST tracking event ({@link VideoEvent#vastName()}) of an impression. */
    static final String VIDEO_PREFIX = "/v1/events/video/";
    static final String VIDEO_ERROR = VIDEO_PREFIX + "error";

    private final EventPipeline events;
    private final TrackerSigner signer;
    private final ClusterConfig cluster;

    TrackerEndpoints(EventPipeline events, TrackerSigner signer) {
        this(events, signer, ClusterConfig.OFF);
    }

    /**
     * On a cluster replica ({@code cluster.enabled}), a valid token of another replica is not counted here but
     * redirected (307, same path and query, body kept) to its owner's {@code cluster.replicas} URL: the owner alone
     * dedups, journals and charges an event, so it is counted once in the cluster.
     */
    TrackerEndpoints(EventPipeline events, TrackerSigner signer, ClusterConfig cluster) {
        this.events = events;
        this.signer = signer;
        this.cluster = cluster;
    }

    /** Whether the path is a tracker path (then the answer has been or will be sent). */
    boolean handle(ChannelHandlerContext ctx, FullHttpRequest request, String path, boolean keepAlive) {
        EventType type;
        HttpMethod method;
        String tokenParam = "t";
        switch (path) {
            case "/v1/events/imp" -> { type = EventType.IMPRESSION; method = HttpMethod.GET; }
            case "/v1/events/click" -> { type = EventType.CLICK; method = HttpMethod.GET; }
            case "/v1/events/conversion" -> { type = EventType.CONVERSION; method = HttpMethod.POST; }
            case "/v1/events/postback" -> { type = EventType.CONVERSION; method = HttpMethod.GET; tokenParam = "click_id"; }
            case VIDEO_ERROR -> {
                // A player's VAST error ping ([ERRORCODE] filled in): acknowledged, not counted.
                HttpResponses.send(ctx, request.method().equals(HttpMethod.GET) ? HttpResponses.empty(HttpResponseStatus.NO_CONTENT)
                        : Routes.methodNotAllowed(ctx, "GET"), keepAlive);
                return true;
            }
            default -> {
                VideoEvent video = path.startsWith(VIDEO_PREFIX) ? VideoEvent.ofVastName(path.substring(VIDEO_PREFIX.length())) : null;
                if (video == null) {
                    return false;
                }
                type = EventType.of(video);
                method = HttpMethod.GET;
            }
        }
        if (!request.method().equals(method)) {
            HttpResponses.send(ctx, Routes.methodNotAllowed(ctx, method.name()), keepAlive);
            return true;
        }
        String token;
        String eventName = null;
        long revenueMicros = 0;
        if (method == HttpMethod.POST) {
            token = conversionToken(request.content());
            if (token == null) {
                events.metrics().tracker(type, TrackerOutcome.BAD_REQUEST);
                HttpResponses.send(ctx, HttpResponses.error(ctx, ApiError.invalid("token",
                        "the body must be a JSON object {\"token\": \"<tracker token>\"} of at most 4096 bytes")), keepAlive);
                return true;
            }
        } else {
            try {
                QueryParameters q = QueryParameters.of(request.uri());
                token = q.one(tokenParam);
                if (tokenParam.equals("click_id") && token != null) {
                    eventName = postbackEvent(q);
                    revenueMicros = q.number("revenue", 0, Money.MAX_AMOUNT_MICROS, 0);
                }
            } catch (BadParameter e) {
                events.metrics().tracker(type, TrackerOutcome.BAD_REQUEST);
                HttpResponses.send(ctx, HttpResponses.error(ctx, e.error()), keepAlive);
                return true;
            }
            if (token == null) {
                events.metrics().tracker(type, TrackerOutcome.BAD_REQUEST);
                HttpResponses.send(ctx, HttpResponses.error(ctx, ApiError.missing(tokenParam)), keepAlive);
                return true;
            }
        }
        String field = method == HttpMethod.POST ? "token" : tokenParam;
        TrackerSigner.Claims claims = signer.verify(token);
        long hi = 0;
        long lo = 0;
        boolean valid = claims != null && claims.impressionId().length() == 32 && knownBilling(claims.billing());
        if (valid) {
            try {
                hi = Long.parseUnsignedLong(claims.impressionId(), 0, 16, 16);
                lo = Long.parseUnsignedLong(claims.impressionId(), 16, 32, 16);
            } catch (NumberFormatException e) {
                valid = false;
            }
        }
        if (!valid) {
            events.metrics().tracker(type, TrackerOutcome.FORGED);
            String format = TrackerSigner.formatOf(token);
            HttpResponses.send(ctx, HttpResponses.error(ctx, new ApiError(HttpResponseStatus.FORBIDDEN, "forged_token",
                    format != null && !format.equals(TrackerSigner.FORMAT)
                            ? "tracker token format " + format + " is no longer accepted (this engine signs and takes " + TrackerSigner.FORMAT + ")"
                            : "the tracker token is not one this engine signed", field)), keepAlive);
            return true;
        }
        if (claims.purpose() != purposeOf(type)) {
            events.metrics().tracker(type, TrackerOutcome.WRONG_PURPOSE);
            HttpResponses.send(ctx, HttpResponses.error(ctx, new ApiError(HttpResponseStatus.FORBIDDEN, "wrong_purpose",
                    "this is a " + claims.purpose().name().toLowerCase(Locale.ROOT) + " token; the "
                            + type.name().toLowerCase(Locale.ROOT) + " tracker needs a " + purposeOf(type).name().toLowerCase(Locale.ROOT)
                            + " token", field)), keepAlive);
            return true;
        }
        long now = events.clock().getAsLong();
        if (now / 1000 >= claims.expiresEpochSeconds()) {
            events.metrics().tracker(type, TrackerOutcome.EXPIRED);
            HttpResponses.send(ctx, HttpResponses.error(ctx, new ApiError(HttpResponseStatus.GONE, "expired_token",
                    "the tracker token expired at epoch second " + claims.expiresEpochSeconds(), null)), keepAlive);
            return true;
        }
        if (cluster.enabled() && claims.replicaId() != signer.replicaId()) {
            events.metrics().tracker(type, TrackerOutcome.REDIRECTED);
            HttpResponses.send(ctx, toOwner(ctx, claims.replicaId(), request.uri()), keepAlive);
            return true;
        }
        Snapshot snapshot = events.snapshots().current();
        Catalog catalog = snapshot.catalog();
        Campaign campaign = catalog.campaign(claims.campaignId());
        AdSpace space = catalog.adSpace(claims.adSpaceId());
        Creative creative = type == EventType.CLICK ? creative(catalog, claims) : null;
        AdGroup group = type == EventType.CLICK ? catalog.adGroup(claims.adGroupId()) : null;
        EventType t = type;
        TrackerSigner.Claims c = claims;
        boolean published = events.publishTracker(type, claims, hi, lo, campaign == null ? 0 : campaign.accountId(),
                space == null ? 0 : space.publisherId(), (short) (hi >>> 48), now, eventName, revenueMicros,
                (status, reason) -> ctx.executor().execute(() -> answer(ctx, t, status, reason, c, creative, group, now, keepAlive)));
        if (!published) {
            HttpResponses.send(ctx, unavailable(ctx, "the event pipeline is full"), keepAlive);
        }
        return true;
    }

    private void answer(ChannelHandlerContext ctx, EventType type, BillingEvent.Status status, InvalidReason reason,
                        TrackerSigner.Claims claims, Creative creative, AdGroup group, long now, boolean keepAlive) {
        TrackerOutcome outcome = switch (status) {
            case ACCEPTED -> TrackerOutcome.ACCEPTED;
            case DUPLICATE -> TrackerOutcome.DUPLICATE;
            case INVALID -> TrackerOutcome.INVALID;
            case REFUSED -> TrackerOutcome.REFUSED;
            case FAILED -> TrackerOutcome.FAILED;
        };
        events.metrics().tracker(type, outcome);
        FullHttpResponse r;
        if (status == BillingEvent.Status.REFUSED || status == BillingEvent.Status.FAILED) {
            r = unavailable(ctx, status == BillingEvent.Status.REFUSED ? "the dedup table is full" : "the journal cannot be written");
        } else if (type == EventType.CLICK && creative != null) {
            // A repeated or invalid click still takes the user to the landing page; it is just not counted (again).
            // A counted click (or its repeat) mints the conversion token, the click id measurement partners send back.
            String clickId = status == BillingEvent.Status.INVALID ? ""
                    : signer.sign(claims.forPurpose(TrackerSigner.Purpose.CONVERSION, now / 1000
                    + (group == null ? AdGroup.CONVERSION_WINDOW_DEFAULT_SECONDS : group.conversionWindowSeconds())));
            // The GAID (opened from the click token, when it carries one) goes into the creative's URLs only.
            String gaid = signer.gaidOf(claims);
            r = HttpResponses.empty(HttpResponseStatus.FOUND);
            r.headers().set(HttpHeaderNames.LOCATION, ClickMacros.expand(creative.clickUrl(), clickId, claims, gaid));
            if (!clickId.isEmpty()) {
                r.headers().set("X-Conversion-Token", clickId);
            }
            if (creative.deeplink() != null) {
                r.headers().set("X-Deeplink", ClickMacros.expand(creative.deeplink(), clickId, claims, gaid));
            }
        } else if (status == BillingEvent.Status.INVALID) {
            r = HttpResponses.error(ctx, new ApiError(HttpResponseStatus.UNPROCESSABLE_ENTITY, "invalid_event",
                    "not counted: " + reason.name().toLowerCase(Locale.ROOT), null));
        } else if (status == BillingEvent.Status.DUPLICATE) {
            r = HttpResponses.error(ctx, new ApiError(HttpResponseStatus.CONFLICT, "duplicate_event",
                    "this tracker event was already counted", null));
        } else {
            r = HttpResponses.empty(HttpResponseStatus.NO_CONTENT);
        }
        HttpResponses.send(ctx, r, keepAlive);
        ctx.flush();
    }

    private static TrackerSigner.Purpose purposeOf(EventType type) {
        return switch (type) {
            // Video playback events are the impression's: the VAST document carries its impression token.
            case IMPRESSION, VIDEO_START, VIDEO_FIRST_QUARTILE, VIDEO_MIDPOINT, VIDEO_THIRD_QUARTILE, VIDEO_COMPLETE, VIDEO_SKIP,
                 VIDEO_CLOSE -> TrackerSigner.Purpose.IMPRESSION;
            case CLICK -> TrackerSigner.Purpose.CLICK;
            default -> TrackerSigner.Purpose.CONVERSION;
        };
    }

    /** A postback's {@code event}, checked (required: a short name such as install). */
    private static String postbackEvent(QueryParameters q) throws BadParameter {
        String event = q.one("event");
        if (event == null) {
            throw new BadParameter("event", "is required: the conversion event's name, e.g. install");
        }
        if (!AdGroup.EVENT_NAME.matcher(event).matches()) {
            throw new BadParameter("event", "must be 1 to 64 letters, digits, '_', '.' or '-'");
        }
        return event;
    }

    /**
     * The answer to a tracker of another replica: 307 to the owner's public URL with the same path and query (a
     * 307 keeps the method and body of a conversion POST), or 421 {@code unknown_owner} when the owner is not in
     * {@code cluster.replicas} (a token of a single engine, id 0, or of a replica removed from the cluster).
     */
    private FullHttpResponse toOwner(ChannelHandlerContext ctx, int owner, String uri) {
        String base = cluster.replicas().get(owner);
        if (base == null) {
            return HttpResponses.error(ctx, new ApiError(HttpResponseStatus.MISDIRECTED_REQUEST, "unknown_owner",
                    "the ad was served by replica " + owner + ", which is not in cluster.replicas: only it may count the event", null));
        }
        FullHttpResponse r = HttpResponses.empty(HttpResponseStatus.TEMPORARY_REDIRECT);
        r.headers().set(HttpHeaderNames.LOCATION, (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + uri);
        return r;
    }

    private static FullHttpResponse unavailable(ChannelHandlerContext ctx, String why) {
        FullHttpResponse r = HttpResponses.error(ctx, new ApiError(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable",
                why + "; retry later", null));
        r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        return r;
    }

    private static boolean knownBilling(String billing) {
        for (BidModel m : BidModel.values()) {
            if (m.name().equals(billing)) {
                return true;
            }
        }
        return false;
    }

    private static Creative creative(Catalog catalog, TrackerSigner.Claims claims) {
        for (Creative c : catalog.creativesOf(claims.adGroupId())) {
            if (c.id() == claims.creativeId()) {
                return c;
            }
        }
        return null;
    }

    /** The token of a conversion body {@code {"token":"…"}} (other fields ignored), or null when malformed. */
    static String conversionToken(ByteBuf content) {
        int length = content.readableBytes();
        if (length == 0 || length > 4096) {
            return null;
        }
        byte[] bytes = new byte[length];
        content.getBytes(content.readerIndex(), bytes);
        String token = null;
        try (JsonParser p = FACTORY.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if ("token".equals(name) && v == JsonToken.VALUE_STRING) {
                    token = p.getText();
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            return null;
        }
        return token;
    }

    static void writeJson(OutputStream out, JsonWriter w) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            w.write(g);
        }
    }

    /** Writes one JSON document. */
    @FunctionalInterface
    interface JsonWriter {
        void write(JsonGenerator g) throws IOException;
    }

    static ByteBuf json(ChannelHandlerContext ctx, JsonWriter w) throws IOException {
        ByteBuf body = ctx.alloc().buffer(256);
        try (OutputStream out = new ByteBufOutputStream(body)) {
            writeJson(out, w);
        } catch (IOException | RuntimeException e) {
            body.release();
            throw e;
        }
        return body;
    }
}
