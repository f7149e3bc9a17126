package io.adengine.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adengine.audience.AudienceFileException;
import io.adengine.audience.AudienceService;
import io.adengine.audience.AudienceUpload;
import io.adengine.audience.Reach;
import io.adengine.model.AgeRange;
import io.adengine.model.Gender;
import io.adengine.model.InstallStateTarget;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import org.roaringbitmap.RoaringBitmap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The audience routes of the admin port, ahead of the body aggregator so that uploads stream (up to
 * 64 MB, parsed chunk by chunk, never held whole):
 * <ul>
 *   <li>{@code POST /v1/admin/audiences/{id}?type=gaid|md5}: a text body of one GAID or GAID-MD5 per line;
 *       answers the import report, or 400 with the reason the file was rejected.</li>
 *   <li>{@code POST /v1/admin/audiences/reach}: a JSON targeting spec; answers the audience size and the
 *       estimated maximum daily users and impressions.</li>
 * </ul>
 * Every other request passes through untouched. One instance per connection (it holds the upload in flight).
 */
final class AudienceAdminHandler extends ChannelInboundHandlerAdapter {

    static final String PREFIX = "/v1/admin/audiences";
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REACH_BODY = 16 * 1024;

    private final Optional<AudienceService> audiences;
    private final byte[] expectedAuthorization;
    // State of the request in flight on this connection.
    private boolean passing;
    private boolean ours;
    private boolean keepAlive;
    private ApiError pending;
    private AudienceUpload upload;
    private long audienceId;
    private ByteBuf reachBody;
    private byte[] chunk = new byte[64 * 1024];

    AudienceAdminHandler(Optional<AudienceService> audiences, String adminToken) {
        this.audiences = audiences;
        this.expectedAuthorization = ("Bearer " + adminToken).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest request) {
            String path = Routes.path(request.uri());
            ours = path.equals(PREFIX) || path.startsWith(PREFIX + "/");
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
                body(content.content());
                if (content instanceof LastHttpContent) {
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
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            pending = new ApiError(HttpResponseStatus.UNAUTHORIZED, "unauthorized", "send Authorization: Bearer <admin token>", null);
        } else if (!MessageDigest.isEqual(authorization.getBytes(StandardCharsets.UTF_8), expectedAuthorization)) {
            pending = new ApiError(HttpResponseStatus.FORBIDDEN, "forbidden", "the admin token is not valid", null);
        } else if (audiences.isEmpty()) {
            pending = new ApiError(HttpResponseStatus.NOT_FOUND, "no_audience_store",
                    "this engine has no audience store configured (audiences.dir in engine.yaml)", null);
        } else if (!request.method().equals(HttpMethod.POST)) {
            pending = new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "use POST", null);
        } else if (path.equals(PREFIX + "/reach")) {
            reachBody = ctx.alloc().buffer(1024);
        } else {
            String id = path.startsWith(PREFIX + "/") ? path.substring(PREFIX.length() + 1) : "";
            List<String> types = new QueryStringDecoder(request.uri()).parameters().getOrDefault("type", List.of());
            String type = types.isEmpty() ? "" : types.get(0).toLowerCase(Locale.ROOT);
            try {
                audienceId = Long.parseLong(id);
            } catch (NumberFormatException e) {
                audienceId = 0;
            }
            if (audienceId <= 0) {
                pending = ApiError.invalid("id", "the audience id in the path must be a positive integer");
            } else if (!type.equals("gaid") && !type.equals("md5")) {
                pending = ApiError.invalid("type", "type must be gaid (raw GAIDs) or md5 (GAID MD5 hex)");
            } else if (HttpUtil.getContentLength(request, -1L) > AudienceUpload.MAX_BYTES) {
                pending = new ApiError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "file_too_large",
                        "the file is larger than the limit of " + AudienceUpload.MAX_BYTES + " bytes (64 MB)", null);
            } else {
                upload = new AudienceUpload(type.equals("gaid") ? AudienceUpload.KeyType.GAID : AudienceUpload.KeyType.MD5);
            }
        }
        if (pending != null) {
            // Answer now and stop reading: the rest of the body is not worth receiving.
            keepAlive = false;
            sendError(ctx, pending);
            return;
        }
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
    }

    private void body(ByteBuf content) {
        if (pending != null) {
            return;
        }
        if (reachBody != null) {
            if (reachBody.readableBytes() + content.readableBytes() > MAX_REACH_BODY) {
                pending = new ApiError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body_too_large",
                        "the reach spec is larger than the limit of " + MAX_REACH_BODY + " bytes", null);
                return;
            }
            reachBody.writeBytes(content);
            return;
        }
        while (content.isReadable() && upload != null) {
            int n = Math.min(chunk.length, content.readableBytes());
            content.readBytes(chunk, 0, n);
            if (!upload.accept(chunk, 0, n)) {
                return;
            }
        }
    }

    private void finish(ChannelHandlerContext ctx) throws IOException {
        if (pending != null && (upload != null || reachBody != null)) {
            release();
            sendError(ctx, pending);
            return;
        }
        if (pending != null) {
            return;
        }
        if (reachBody != null) {
            reach(ctx);
            return;
        }
        AudienceUpload.Parsed parsed;
        try {
            parsed = upload.finish();
        } catch (AudienceFileException e) {
            upload = null;
            sendError(ctx, new ApiError(HttpResponseStatus.BAD_REQUEST, "audience_rejected", e.getMessage(), "body"));
            return;
        }
        upload = null;
        RoaringBitmap users = audiences.get().importAudience(audienceId, parsed);
        ByteBuf out = ctx.alloc().buffer(512);
        try (JsonGenerator g = FACTORY.createGenerator((OutputStream) new ByteBufOutputStream(out))) {
            g.writeStartObject();
            g.writeNumberField("audienceId", audienceId);
            g.writeNumberField("users", users.getLongCardinality());
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
            throw e;
        }
        HttpResponses.send(ctx, HttpResponses.json(HttpResponseStatus.OK, out), keepAlive);
        ctx.flush();
    }

    private void reach(ChannelHandlerContext ctx) throws IOException {
        Reach.Spec spec;
        Set<Long> adSpaces;
        try {
            JsonNode root = JSON.readTree(reachBody.toString(StandardCharsets.UTF_8));
            spec = spec(root);
            adSpaces = ids(root, "adSpaceIds", "ad space ids");
        } catch (IOException e) {
            sendError(ctx, ApiError.invalid("body", "the body must be a JSON object"));
            return;
        } catch (IllegalArgumentException e) {
            sendError(ctx, ApiError.invalid(field(e.getMessage()), e.getMessage()));
            return;
        } finally {
            release();
        }
        Reach.Estimate e = audiences.get().reach(spec, adSpaces);
        ByteBuf out = ctx.alloc().buffer(256);
        try (JsonGenerator g = FACTORY.createGenerator((OutputStream) new ByteBufOutputStream(out))) {
            g.writeStartObject();
            g.writeNumberField("users", e.users());
            g.writeNumberField("knownUsers", e.knownUsers());
            g.writeNumberField("maxDailyUsers", e.maxDailyUsers());
            g.writeNumberField("maxDailyImpressions", e.maxDailyImpressions());
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
        }
        HttpResponses.send(ctx, HttpResponses.json(HttpResponseStatus.OK, out), keepAlive);
        ctx.flush();
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
        return new Reach.Spec(include, exclude, genders, age, app, state);
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

    private void sendError(ChannelHandlerContext ctx, ApiError error) {
        HttpResponses.send(ctx, HttpResponses.error(ctx, error), keepAlive);
        ctx.flush();
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
        upload = null;
        super.channelInactive(ctx);
    }
}
