package io.adengine.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adengine.audience.AudienceFileException;
import io.adengine.audience.AudienceService;
import io.adengine.audience.AudienceStore;
import io.adengine.audience.AudienceUpload;
import io.adengine.audience.ProfileUpload;
import io.adengine.audience.Reach;
import io.adengine.model.AgeRange;
import io.adengine.model.Gender;
import io.adengine.model.InstallStateTarget;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The audience routes of the admin port, ahead of the body aggregator so that uploads stream (up to
 * 64 MB, parsed chunk by chunk, never held whole):
 * <ul>
 *   <li>{@code POST /v1/admin/audiences/{id}?type=gaid|md5}: a text body of one GAID or GAID-MD5 per line;
 *       answers the import report, or 400 with the reason the file was rejected.</li>
 *   <li>{@code POST /v1/admin/audiences/reach}: a JSON targeting spec; answers the audience size and the
 *       estimated maximum daily users and impressions.</li>
 *   <li>{@code POST /v1/admin/profiles}: a text body in the profile feed's line format (demographics,
 *       install and uninstall events; {@link ProfileUpload}); applied while serving and kept in the store;
 *       answers what was applied and refused, or 400 naming the line and field that rejected it.</li>
 * </ul>
 * Parsing, importing and reach estimates run on the audience worker ({@code audienceWork}, one thread, so
 * an upload's chunks are parsed in order and the store keeps one writer), not on the admin event loop: the
 * control plane's other requests are answered while a large file is parsed. The event loop only hands
 * chunks over, and stops reading from the connection while more than {@value #PAUSE_BYTES} bytes wait
 * for the worker. An upload is cut off with 413 as soon as it passes 64 MB, whether or not it declared
 * its length. Every other request passes through untouched. One instance per connection (it holds the
 * upload in flight).
 */
final class AudienceAdminHandler extends ChannelInboundHandlerAdapter {

    static final String PREFIX = "/v1/admin/audiences";
    static final String PROFILES = "/v1/admin/profiles";
    /** Bytes handed to the worker and not yet parsed above which the connection is not read. */
    static final int PAUSE_BYTES = 8 << 20;
    private static final int RESUME_BYTES = 2 << 20;
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REACH_BODY = 16 * 1024;

    private final Optional<AudienceService> audiences;
    private final byte[] expectedAuthorization;
    private final Executor work;
    // State of the request in flight on this connection; touched on the event loop only.
    private boolean passing;
    private boolean ours;
    private boolean keepAlive;
    private ApiError pending;
    private Upload upload;
    private ByteBuf reachBody;
    private boolean listing;

    AudienceAdminHandler(Optional<AudienceService> audiences, String adminToken, Executor work) {
        this.audiences = audiences;
        this.expectedAuthorization = ("Bearer " + adminToken).getBytes(StandardCharsets.UTF_8);
        this.work = work;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest request) {
            String path = Routes.path(request.uri());
            ours = path.equals(PREFIX) || path.startsWith(PREFIX + "/") || path.equals(PROFILES);
            passing = !ours;
            if (passing) {
                ctx.fireChannelRead(msg);
                return;
            }
            start(ctx, request, path);
            if (!(msg instanceof HttpContent)) {
                ReferenceCountUtil.release(msg);
                return;
            }
        }
        if (passing || !ours) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (msg instanceof HttpContent content) {
            try {
                body(ctx, content.content());
                if (content instanceof LastHttpContent && ours) {
                    ours = false;
                    finish(ctx);
                }
            } finally {
                content.release();
            }
        }
    }

    private void start(ChannelHandlerContext ctx, HttpRequest request, String path) {
        keepAlive = HttpUtil.isKeepAlive(request);
        pending = null;
        upload = null;
        reachBody = null;
        listing = false;
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            pending = new ApiError(HttpResponseStatus.UNAUTHORIZED, "unauthorized", "send Authorization: Bearer <admin token>", null);
        } else if (!MessageDigest.isEqual(authorization.getBytes(StandardCharsets.UTF_8), expectedAuthorization)) {
            pending = new ApiError(HttpResponseStatus.FORBIDDEN, "forbidden", "the admin token is not valid", null);
        } else if (audiences.isEmpty()) {
            pending = new ApiError(HttpResponseStatus.NOT_FOUND, "no_audience_store",
                    "this engine has no audience store configured (audiences.dir in engine.yaml)", null);
        } else if (request.method().equals(HttpMethod.GET) && path.equals(PREFIX)) {
            listing = true;
        } else if (!request.method().equals(HttpMethod.POST)) {
            pending = new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "use POST (GET only for the listing, " + PREFIX + ")", null);
        } else if (path.equals(PROFILES)) {
            pending = startProfiles(request);
        } else if (path.equals(PREFIX + "/reach")) {
            reachBody = ctx.alloc().buffer(1024);
        } else {
            pending = startUpload(request, path);
        }
        if (pending != null) {
            // Answer now and stop reading: the rest of the body is not worth receiving.
            refuse(ctx, pending);
            return;
        }
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
    }

    /** Checks an upload's id, type and declared length; null when it may start. */
    private ApiError startUpload(HttpRequest request, String path) {
        String id = path.startsWith(PREFIX + "/") ? path.substring(PREFIX.length() + 1) : "";
        long audienceId = QueryParameters.canonical(id);
        if (audienceId <= 0) {
            return ApiError.invalid("id", "the audience id in the path must be a positive integer in plain decimal (no sign or leading zeros)");
        }
        String type;
        try {
            String t = QueryParameters.of(request.uri()).one("type");
            type = t == null ? "" : t.toLowerCase(Locale.ROOT);
        } catch (BadParameter e) {
            return e.error();
        }
        if (!type.equals("gaid") && !type.equals("md5")) {
            return ApiError.invalid("type", "type must be gaid (raw GAIDs) or md5 (GAID MD5 hex)");
        }
        if (HttpUtil.getContentLength(request, -1L) > AudienceUpload.MAX_BYTES) {
            return tooLarge();
        }
        upload = new Upload(audienceId, new AudienceUpload(type.equals("gaid") ? AudienceUpload.KeyType.GAID : AudienceUpload.KeyType.MD5));
        return null;
    }

    /** Checks a profile upload's declared length; null when it may start. */
    private ApiError startProfiles(HttpRequest request) {
        if (HttpUtil.getContentLength(request, -1L) > ProfileUpload.MAX_BYTES) {
            return tooLarge();
        }
        upload = new Upload(new ProfileUpload());
        return null;
    }

    private static ApiError tooLarge() {
        return new ApiError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "file_too_large",
                "the file is larger than the limit of " + AudienceUpload.MAX_BYTES + " bytes (64 MB)", null);
    }

    private void body(ChannelHandlerContext ctx, ByteBuf content) {
        if (pending != null) {
            return;
        }
        if (reachBody != null) {
            if (reachBody.readableBytes() + content.readableBytes() > MAX_REACH_BODY) {
                release();
                pending = new ApiError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body_too_large",
                        "the reach spec is larger than the limit of " + MAX_REACH_BODY + " bytes", null);
                refuse(ctx, pending);
                return;
            }
            reachBody.writeBytes(content);
            return;
        }
        if (upload == null || !content.isReadable()) {
            return;
        }
        upload.received += content.readableBytes();
        if (upload.received > AudienceUpload.MAX_BYTES) {
            // A chunked upload past the limit: cut it off here rather than read it to its end.
            upload = null;
            pending = tooLarge();
            refuse(ctx, pending);
            return;
        }
        upload.handOver(ctx, content.retain());
    }

    private void finish(ChannelHandlerContext ctx) {
        if (pending != null) {
            return;
        }
        if (listing) {
            listing = false;
            boolean keep = keepAlive;
            work.execute(() -> {
                FullHttpResponse r = list(ctx);
                ctx.executor().execute(() -> HttpResponses.sendNow(ctx, r, keep));
            });
            return;
        }
        if (reachBody != null) {
            ByteBuf spec = reachBody;
            reachBody = null;
            boolean keep = keepAlive;
            work.execute(() -> {
                FullHttpResponse r;
                try {
                    r = reach(ctx, spec);
                } finally {
                    spec.release();
                }
                ctx.executor().execute(() -> HttpResponses.sendNow(ctx, r, keep));
            });
            return;
        }
        Upload u = upload;
        upload = null;
        boolean keep = keepAlive;
        work.execute(() -> {
            FullHttpResponse r = u.finish(ctx);
            ctx.executor().execute(() -> {
                u.resume(ctx);
                HttpResponses.sendNow(ctx, r, keep);
            });
        });
    }

    /** Answers an error at once and closes the connection after it (the rest of the body is not read). */
    private void refuse(ChannelHandlerContext ctx, ApiError error) {
        // The rest of this request is still swallowed here (pending is set) until the connection closes.
        keepAlive = false;
        HttpResponses.send(ctx, HttpResponses.error(ctx, error), false);
        ctx.flush();
    }

    /** One upload (an audience, or a profile feed upload): counted on the event loop, parsed on the worker. */
    private final class Upload {
        final long audienceId;
        final AudienceUpload parser;
        final ProfileUpload profiles;
        final AtomicLong queued = new AtomicLong();
        final byte[] chunk = new byte[64 * 1024];
        long received;
        boolean paused;

        Upload(long audienceId, AudienceUpload parser) {
            this.audienceId = audienceId;
            this.parser = parser;
            this.profiles = null;
        }

        Upload(ProfileUpload profiles) {
            this.audienceId = 0;
            this.parser = null;
            this.profiles = profiles;
        }

        private boolean accept(byte[] bytes, int offset, int length) {
            return profiles != null ? profiles.accept(bytes, offset, length) : parser.accept(bytes, offset, length);
        }

        /** On the event loop: hands a retained chunk to the worker, pausing reads while too much waits. */
        void handOver(ChannelHandlerContext ctx, ByteBuf data) {
            int n = data.readableBytes();
            if (queued.addAndGet(n) > PAUSE_BYTES && !paused) {
                paused = true;
                ctx.channel().config().setAutoRead(false);
            }
            work.execute(() -> {
                try {
                    // A connection gone (or refused at the limit) needs no more parsing, only its buffers back.
                    while (data.isReadable() && ctx.channel().isActive()) {
                        int len = Math.min(chunk.length, data.readableBytes());
                        data.readBytes(chunk, 0, len);
                        if (!accept(chunk, 0, len)) {
                            data.skipBytes(data.readableBytes());
                        }
                    }
                } finally {
                    data.release();
                }
                if (queued.addAndGet(-n) < RESUME_BYTES) {
                    ctx.executor().execute(() -> resume(ctx));
                }
            });
        }

        /** On the event loop: reads again once the worker has caught up. */
        void resume(ChannelHandlerContext ctx) {
            if (paused && queued.get() < RESUME_BYTES) {
                paused = false;
                ctx.channel().config().setAutoRead(true);
            }
        }

        /** On the worker: the end of the file, the import, the report. */
        FullHttpResponse finish(ChannelHandlerContext ctx) {
            if (profiles != null) {
                return finishProfiles(ctx);
            }
            AudienceUpload.Parsed parsed;
            try {
                parsed = parser.finish();
            } catch (AudienceFileException e) {
                return HttpResponses.error(ctx, new ApiError(HttpResponseStatus.BAD_REQUEST, "audience_rejected", e.getMessage(), "body"));
            }
            AudienceStore.Imported imported;
            try {
                imported = audiences.get().importAudience(audienceId, parsed);
            } catch (IOException | RuntimeException e) {
                return HttpResponses.error(ctx, new ApiError(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal_error",
                        "the audience could not be stored: " + e.getClass().getSimpleName(), null));
            }
            ByteBuf out = ctx.alloc().buffer(512);
            try (JsonGenerator g = FACTORY.createGenerator((OutputStream) new ByteBufOutputStream(out))) {
                g.writeStartObject();
                g.writeNumberField("audienceId", audienceId);
                g.writeNumberField("users", imported.users().getLongCardinality());
                g.writeNumberField("matched", imported.matched());
                g.writeNumberField("new", imported.created());
                g.writeNumberField("matchedPercent", imported.matchedPercent());
                g.writeNumberField("lines", parsed.lines());
                g.writeNumberField("valid", parsed.valid());
                g.writeNumberField("duplicates", parsed.duplicates());
                g.writeNumberField("invalid", parsed.invalid());
                g.writeArrayFieldStart("firstInvalid");
                for (String s : parsed.firstInvalid()) {
                    g.writeString(s);
                }
                g.writeEndArray();
                g.writeEndObject();
            } catch (IOException | RuntimeException e) {
                out.release();
                return HttpResponses.error(ctx, new ApiError(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal_error",
                        "the import report could not be written", null));
            }
            return HttpResponses.json(HttpResponseStatus.OK, out);
        }

        /** On the worker: the end of a profile upload, applying it, the report. */
        private FullHttpResponse finishProfiles(ChannelHandlerContext ctx) {
            ProfileUpload.Parsed parsed;
            try {
                parsed = profiles.finish();
            } catch (AudienceFileException e) {
                if (profiles.tooLarge()) {
                    return HttpResponses.error(ctx, tooLarge());
                }
                return HttpResponses.error(ctx, new ApiError(HttpResponseStatus.BAD_REQUEST, "profiles_rejected", e.getMessage(),
                        profiles.rejectedField()));
            }
            AudienceService.ProfileImport applied;
            try {
                applied = audiences.get().importProfiles(parsed);
            } catch (IOException | RuntimeException e) {
                return HttpResponses.error(ctx, new ApiError(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal_error",
                        "the profile upload could not be applied (nothing was published): " + e.getClass().getSimpleName(), null));
            }
            ByteBuf out = ctx.alloc().buffer(512);
            try (JsonGenerator g = FACTORY.createGenerator((OutputStream) new ByteBufOutputStream(out))) {
                g.writeStartObject();
                g.writeNumberField("lines", applied.lines());
                g.writeNumberField("applied", applied.applied());
                g.writeNumberField("profiles", applied.profiles());
                g.writeNumberField("installs", applied.installs());
                g.writeNumberField("uninstalls", applied.uninstalls());
                g.writeNumberField("users", applied.users());
                g.writeNumberField("known", applied.known());
                g.writeNumberField("new", applied.created());
                g.writeNumberField("refused", applied.refused());
                g.writeArrayFieldStart("firstRefused");
                for (String s : applied.firstRefused()) {
                    g.writeString(s);
                }
                g.writeEndArray();
                g.writeBooleanField("reread", applied.reread());
                g.writeEndObject();
            } catch (IOException | RuntimeException e) {
                out.release();
                return HttpResponses.error(ctx, new ApiError(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal_error",
                        "the profile upload report could not be written", null));
            }
            return HttpResponses.json(HttpResponseStatus.OK, out);
        }
    }

    /** On the worker: every audience with its size and its last upload's match counts. */
    private FullHttpResponse list(ChannelHandlerContext ctx) {
        ByteBuf out = ctx.alloc().buffer(512);
        try (JsonGenerator g = FACTORY.createGenerator((OutputStream) new ByteBufOutputStream(out))) {
            g.writeStartObject();
            g.writeArrayFieldStart("audiences");
            for (AudienceService.Listed a : audiences.get().list()) {
                g.writeStartObject();
                g.writeNumberField("audienceId", a.id());
                g.writeNumberField("users", a.users());
                if (a.matched() >= 0) {
                    g.writeNumberField("matched", a.matched());
                    g.writeNumberField("new", a.created());
                    g.writeNumberField("matchedPercent", new AudienceStore.Imported(null, a.matched(), a.created()).matchedPercent());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException | RuntimeException e) {
            out.release();
            return HttpResponses.error(ctx, new ApiError(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal_error",
                    "the audience listing could not be written", null));
        }
        return HttpResponses.json(HttpResponseStatus.OK, out);
    }

    /** On the worker: the reach estimate of a spec body. */
    private FullHttpResponse reach(ChannelHandlerContext ctx, ByteBuf body) {
        Reach.Spec spec;
        Set<Long> adSpaces;
        try {
            JsonNode root = JSON.readTree(body.toString(StandardCharsets.UTF_8));
            spec = spec(root);
            adSpaces = ids(root, "adSpaceIds", "ad space ids");
        } catch (IOException e) {
            return HttpResponses.error(ctx, ApiError.invalid("body", "the body must be a JSON object"));
        } catch (IllegalArgumentException e) {
            return HttpResponses.error(ctx, ApiError.invalid(field(e.getMessage()), e.getMessage()));
        }
        Reach.Estimate e = audiences.get().reach(spec, adSpaces);
        ByteBuf out = ctx.alloc().buffer(256);
        try (JsonGenerator g = FACTORY.createGenerator((OutputStream) new ByteBufOutputStream(out))) {
            g.writeStartObject();
            g.writeNumberField("users", e.users());
            g.writeNumberField("knownUsers", e.knownUsers());
            g.writeNumberField("maxDailyUsers", e.maxDailyUsers());
            g.writeNumberField("maxDailyImpressions", e.maxDailyImpressions());
            if (!spec.frequencyCaps().isEmpty() && Reach.impressionsPerUserPerDay(spec.frequencyCaps()) != Long.MAX_VALUE) {
                g.writeNumberField("frequencyCapImpressionsPerUserPerDay", Reach.impressionsPerUserPerDay(spec.frequencyCaps()));
            }
            g.writeStringField("basis", e.basis().name());
            g.writeStringField("basisDetail", switch (e.basis()) {
                case PRIOR -> "prior (fewer than " + audiences.get().config().reachMinObservedUsers() + " known users observed): "
                        + audiences.get().config().dailyActivePercent() + "% of users active per day, "
                        + audiences.get().config().requestsPerActiveUserPerDay() + " requests per active user per day";
                case OBSERVED_DAY -> "observed on the last complete UTC day: " + e.observedUsers() + " active known users, "
                        + e.observedRequests() + " requests of known users" + (adSpaces.isEmpty() ? "" : " in the given ad spaces");
                case OBSERVED_PARTIAL_DAY -> "observed today so far, scaled to 24 h: " + e.observedUsers() + " active known users, "
                        + e.observedRequests() + " requests of known users" + (adSpaces.isEmpty() ? "" : " in the given ad spaces");
            });
            g.writeNumberField("observedUsers", e.observedUsers());
            g.writeNumberField("observedRequests", e.observedRequests());
            g.writeEndObject();
        } catch (IOException | RuntimeException ex) {
            out.release();
            return HttpResponses.error(ctx, new ApiError(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal_error",
                    "the reach estimate could not be written", null));
        }
        return HttpResponses.json(HttpResponseStatus.OK, out);
    }

    /** The field an IllegalArgumentException of {@link #spec} names ("field: reason"), else "body". */
    private static String field(String message) {
        int colon = message == null ? -1 : message.indexOf(':');
        return colon > 0 && message.substring(0, colon).matches("[A-Za-z]+") ? message.substring(0, colon) : "body";
    }

    /** Parses a reach spec; IllegalArgumentException names the bad field. */
    static Reach.Spec spec(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object");
        }
        Set<Long> include = ids(root, "includeAudiences", "audience ids");
        Set<Long> exclude = ids(root, "excludeAudiences", "audience ids");
        Set<Gender> genders = new HashSet<>();
        for (JsonNode g : root.path("genders")) {
            try {
                genders.add(Gender.valueOf(g.asText().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("genders: unknown gender \"" + g.asText() + "\" (MALE or FEMALE)");
            }
        }
        AgeRange age = AgeRange.ANY;
        if (root.hasNonNull("age")) {
            try {
                age = new AgeRange(root.path("age").path("min").asInt(0), root.path("age").path("max").asInt(200));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("age: " + e.getMessage());
            }
        }
        String app = root.hasNonNull("app") ? root.get("app").asText() : null;
        InstallStateTarget state = null;
        if (root.hasNonNull("installState")) {
            try {
                state = InstallStateTarget.valueOf(root.get("installState").asText().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("installState: unknown value \"" + root.get("installState").asText() + "\"");
            }
        }
        if ((app == null) != (state == null)) {
            throw new IllegalArgumentException("app and installState go together");
        }
        return new Reach.Spec(include, exclude, genders, age, app, state, frequencyCaps(root));
    }

    /** {@code frequencyCaps: [{"event", "max", "windowSeconds"}]} as on an ad group; IllegalArgumentException names the field. */
    private static java.util.List<io.adengine.model.FrequencyCap> frequencyCaps(JsonNode root) {
        JsonNode list = root.path("frequencyCaps");
        if (list.isMissingNode() || list.isNull()) {
            return java.util.List.of();
        }
        if (!list.isArray()) {
            throw new IllegalArgumentException("frequencyCaps: must be an array of {event, max, windowSeconds}");
        }
        java.util.List<io.adengine.model.FrequencyCap> caps = new java.util.ArrayList<>();
        for (JsonNode c : list) {
            if (!c.path("max").isIntegralNumber() || !c.path("windowSeconds").isIntegralNumber() || !c.path("event").isTextual()) {
                throw new IllegalArgumentException("frequencyCaps: each cap needs event (IMPRESSION or CLICK), max and windowSeconds");
            }
            try {
                caps.add(new io.adengine.model.FrequencyCap(io.adengine.model.FrequencyCap.Event.valueOf(c.get("event").asText()),
                        c.get("max").asInt(), c.get("windowSeconds").asLong()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("frequencyCaps: " + e.getMessage());
            }
        }
        try {
            return io.adengine.model.FrequencyCap.checked(caps);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("frequencyCaps: " + e.getMessage());
        }
    }

    private static Set<Long> ids(JsonNode root, String field, String what) {
        Set<Long> ids = new HashSet<>();
        JsonNode list = root.path(field);
        if (!list.isMissingNode() && !list.isNull() && !list.isArray()) {
            throw new IllegalArgumentException(field + ": must be an array of " + what);
        }
        for (JsonNode n : list) {
            if (!n.isIntegralNumber() || !n.canConvertToLong()) {
                throw new IllegalArgumentException(field + ": " + what + " must be integers");
            }
            ids.add(n.asLong());
        }
        return ids;
    }

    private void release() {
        if (reachBody != null) {
            reachBody.release();
            reachBody = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        release();
        // Chunks already handed over are parsed and released by the worker; the upload is then dropped.
        upload = null;
        super.channelInactive(ctx);
    }
}
