package io.adengine.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adengine.catalog.CatalogFormatException;
import io.adengine.catalog.CatalogStore;
import io.adengine.catalog.CatalogWriter;
import io.adengine.catalog.ObjectKind;
import io.adengine.catalog.Problem;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * The catalog routes of the admin port, under {@value #PREFIX} (authentication is done by the admin
 * handler before it gets here): HTTP in, {@link CatalogStore} changes and queries, HTTP out. Requests run on a small pool of worker threads, not on the admin event
 * loop, so that concurrent changes share one fsync (group commit). Paths and bodies are in the engine
 * README, "Catalog sync".
 */
final class CatalogAdminHandler implements AutoCloseable {

    /** Every path of this API starts with this. */
    public static final String PREFIX = "/v1/admin/catalog";
    /** Header naming the person or system making a change (operation log); defaults to the token's identity. */
    public static final String OPERATOR_HEADER = "X-Operator";
    private static final Logger LOG = LoggerFactory.getLogger(CatalogAdminHandler.class);
    /** Operations one query answers at most, and when it names no limit. */
    static final int MAX_OPERATIONS = 10_000;
    static final int DEFAULT_OPERATIONS = 1_000;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final CatalogStore store;
    private final CatalogWriter writer;
    private final ExecutorService workers;
    private final RateLimitedLog failures = new RateLimitedLog(LOG, RateLimitedLog.Level.ERROR,
            io.adengine.config.EdgeConfig.REPEATED_LOG_INTERVAL_MILLIS_DEFAULT);

    CatalogAdminHandler(CatalogStore store, int workerThreads) {
        this(store, CatalogWriter.local(store), workerThreads);
    }

    /** Reads from {@code store}; changes go through {@code writer} (the store itself, or a cluster's catalog log). */
    CatalogAdminHandler(CatalogStore store, CatalogWriter writer, int workerThreads) {
        this.store = store;
        this.writer = writer;
        this.workers = Executors.newFixedThreadPool(workerThreads, r -> {
            Thread t = new Thread(r, "catalog-admin");
            t.setDaemon(true);
            return t;
        });
    }

    /** Whether a path belongs to this API. */
    public static boolean handles(String path) {
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    /** Answers one authenticated request; the answer is written from a worker thread. */
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request, String tokenIdentity) {
        byte[] body = new byte[request.content().readableBytes()];
        request.content().getBytes(request.content().readerIndex(), body);
        HttpMethod method = request.method();
        String uri = request.uri();
        String operator = request.headers().get(OPERATOR_HEADER);
        String who = operator == null || operator.isBlank() ? tokenIdentity : operator.trim();
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        try {
            workers.execute(() -> {
                CompletableFuture<Answer> answer;
                try {
                    answer = answer(method, uri, body, who);
                } catch (IOException | RuntimeException e) {
                    answer = CompletableFuture.failedFuture(e);
                }
                answer.whenComplete((a, e) -> send(ctx, e == null ? a : failed(e), keepAlive));
            });
        } catch (RejectedExecutionException e) {
            send(ctx, error(HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting_down", "the engine is stopping", null), false);
        }
    }

    /** A status and a JSON body, or an error. */
    record Answer(HttpResponseStatus status, JsonNode body, ApiError error) {

        static Answer ok(JsonNode body) {
            return new Answer(HttpResponseStatus.OK, body, null);
        }
    }

    /** The answer of a failed change: the cluster's log unreachable or slow is a 503 to retry, anything else a 500. */
    private Answer failed(Throwable thrown) {
        Throwable e = thrown instanceof CompletionException && thrown.getCause() != null ? thrown.getCause() : thrown;
        if (e instanceof TimeoutException) {
            return error(HttpResponseStatus.SERVICE_UNAVAILABLE, "not_applied_yet", "the change was not applied on this replica in time; "
                    + "it may still apply: retry with the same version (a repeat is answered unchanged)", null);
        }
        if (e instanceof RecordTooLargeException) {
            return error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too_large", "the change is larger than the cluster's catalog log "
                    + "accepts in one record; split the batch", null);
        }
        if (e instanceof KafkaException || e instanceof IllegalStateException) {
            return error(HttpResponseStatus.SERVICE_UNAVAILABLE, "cluster_log_unavailable", "the cluster's catalog log cannot be "
                    + "written or followed now; retry later", null);
        }
        failures.log("catalog admin request failed: {} at {}", e.getClass().getName(),
                e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?");
        return error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal_error", "the change could not be stored", null);
    }

    CompletableFuture<Answer> answer(HttpMethod method, String uri, byte[] body, String operator) throws IOException {
        // The path is matched as sent, never percent-decoded: an id has one spelling.
        String path = Routes.path(uri);
        QueryParameters query;
        try {
            query = QueryParameters.of(uri);
        } catch (BadParameter e) {
            return done(new Answer(null, null, e.error()));
        }
        String[] parts = path.substring(PREFIX.length()).split("/");
        // parts[0] is "" (the path starts with '/'), then the kind or a verb, then an id.
        if (parts.length == 2 && parts[1].equals("batch")) {
            return method.equals(HttpMethod.POST) ? batch(body, operator) : done(notAllowed("POST"));
        }
        if (parts.length == 2 && parts[1].equals("operations")) {
            return done(method.equals(HttpMethod.GET) ? operations(query) : notAllowed("GET"));
        }
        ObjectKind kind = parts.length >= 2 ? ObjectKind.ofPath(parts[1]) : null;
        if (kind == null || parts.length > 3) {
            return done(error(HttpResponseStatus.NOT_FOUND, "not_found", "no catalog resource at " + QueryParameters.shown(path)
                    + "; use " + PREFIX + "/{accounts|campaigns|ad-groups|creatives|ad-spaces|audiences}[/{id}], /batch or /operations", null));
        }
        if (parts.length == 2) {
            return done(method.equals(HttpMethod.GET) ? listing(kind) : notAllowed("GET"));
        }
        long id = QueryParameters.canonical(parts[2]);
        if (id < 1) {
            return done(error(HttpResponseStatus.BAD_REQUEST, "bad_id", "the id must be a positive integer in plain decimal (no sign or leading zeros), was \""
                    + QueryParameters.shown(parts[2]) + "\"", "id"));
        }
        if (method.equals(HttpMethod.GET)) {
            Object value = store.find(kind, id);
            if (value == null) {
                Long deleted = store.deletedVersion(kind, id);
                return done(error(HttpResponseStatus.NOT_FOUND, "not_found", "no " + kind.pathName() + " object with id " + id
                        + (deleted == null ? "" : " (deleted at version " + deleted + ")"), null));
            }
            return done(Answer.ok(ObjectKind.toJson(value)));
        }
        if (method.equals(HttpMethod.PUT)) {
            JsonNode json = parse(body);
            if (json == null || !json.isObject()) {
                return done(error(HttpResponseStatus.BAD_REQUEST, "bad_json", "the body must be one JSON object", null));
            }
            JsonNode bodyId = json.get("id");
            if (bodyId == null || bodyId.isNull()) {
                ((ObjectNode) json).put("id", id);
            } else if (!bodyId.isIntegralNumber() || bodyId.asLong() != id) {
                return done(invalid(List.of(new Problem("id", "must equal the id in the path (" + id + ")"))));
            }
            Object value;
            try {
                value = kind.parse(json, "");
            } catch (CatalogFormatException e) {
                return done(invalid(List.of(new Problem(e.field(), reason(e)))));
            }
            return writer.apply(List.of(CatalogStore.Change.put(value)), operator).thenApply(o -> outcome(o, kind, id));
        }
        if (method.equals(HttpMethod.DELETE)) {
            long version;
            try {
                version = query.number("version", 0, Long.MAX_VALUE, 0);
            } catch (BadParameter e) {
                return done(error(HttpResponseStatus.BAD_REQUEST, "bad_version", e.getMessage(), "version"));
            }
            return writer.apply(List.of(CatalogStore.Change.delete(kind, id, version)), operator).thenApply(o -> outcome(o, kind, id));
        }
        return done(notAllowed("GET, PUT, DELETE"));
    }

    private static CompletableFuture<Answer> done(Answer answer) {
        return CompletableFuture.completedFuture(answer);
    }

    private CompletableFuture<Answer> batch(byte[] body, String operator) {
        JsonNode json = parse(body);
        JsonNode list = json == null ? null : json.get("changes");
        if (list == null || !list.isArray() || list.isEmpty()) {
            return done(error(HttpResponseStatus.BAD_REQUEST, "bad_json", "the body must be {\"changes\": [ ... ]} with at least one change", "changes"));
        }
        List<CatalogStore.Change> changes = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "changes[" + i + "]";
            JsonNode c = list.get(i);
            ObjectKind kind = ObjectKind.ofPath(c.path("kind").asText());
            String op = c.path("op").asText();
            if (kind == null) {
                problems.add(new Problem(at + ".kind", "must be one of accounts, campaigns, ad-groups, creatives, ad-spaces, audiences"));
            } else if (op.equals("PUT")) {
                try {
                    changes.add(CatalogStore.Change.put(kind.parse(c.get("object"), at + ".object")));
                } catch (CatalogFormatException e) {
                    problems.add(new Problem(e.field(), reason(e)));
                }
            } else if (op.equals("DELETE")) {
                JsonNode version = c.path("version");
                if (!c.path("id").isIntegralNumber() || !c.path("id").canConvertToLong() || c.path("id").asLong() < 1) {
                    problems.add(new Problem(at + ".id", "is required: an integer id of at least 1"));
                } else if (!version.isMissingNode() && !version.isNull()
                        && (!version.isIntegralNumber() || !version.canConvertToLong() || version.asLong() < 0)) {
                    problems.add(new Problem(at + ".version", "must be an integer of at least 0"));
                } else {
                    changes.add(CatalogStore.Change.delete(kind, c.path("id").asLong(), version.asLong(0)));
                }
            } else {
                problems.add(new Problem(at + ".op", "must be PUT or DELETE"));
            }
        }
        if (!problems.isEmpty()) {
            return done(invalid(problems));
        }
        return writer.apply(changes, operator).thenApply(o -> {
            if (!o.accepted()) {
                return refusal(o);
            }
            ObjectNode answer = MAPPER.createObjectNode().put("status", o.status().name().toLowerCase()).put("changes", changes.size())
                    .put("seq", o.seq());
            return Answer.ok(answer);
        });
    }

    private Answer listing(ObjectKind kind) {
        ObjectNode answer = MAPPER.createObjectNode().put("kind", kind.pathName()).put("seq", store.seq());
        ArrayNode objects = answer.putArray("objects");
        new TreeMap<>(store.versions(kind)).forEach((id, version) -> objects.addObject().put("id", id).put("version", version));
        return Answer.ok(answer);
    }

    private Answer operations(QueryParameters params) throws IOException {
        try {
            String kind = params.one("kind");
            if (kind != null && ObjectKind.ofPath(kind) == null) {
                return error(HttpResponseStatus.BAD_REQUEST, "bad_kind", "unknown kind \"" + QueryParameters.shown(kind) + "\"", "kind");
            }
            long id = params.number("id", 1, Long.MAX_VALUE, 0);
            String operation = params.one("operation");
            long from = params.number("from", 0, Long.MAX_VALUE, Long.MIN_VALUE);
            long to = params.number("to", 0, Long.MAX_VALUE, Long.MAX_VALUE);
            int limit = (int) params.number("limit", 1, MAX_OPERATIONS, DEFAULT_OPERATIONS);
            ObjectNode answer = MAPPER.createObjectNode();
            ArrayNode list = answer.putArray("operations");
            store.operations().query(kind, id, operation, from, to, limit).forEach(list::add);
            return Answer.ok(answer);
        } catch (BadParameter e) {
            return new Answer(null, null, e.error());
        }
    }

    private static String reason(CatalogFormatException e) {
        String m = e.getMessage();
        return m.startsWith(e.field() + ": ") ? m.substring(e.field().length() + 2) : m;
    }

    private static Answer outcome(CatalogStore.Outcome o, ObjectKind kind, long id) {
        if (!o.accepted()) {
            return refusal(o);
        }
        return Answer.ok(MAPPER.createObjectNode().put("status", o.status().name().toLowerCase())
                .put("kind", kind.pathName()).put("id", id).put("seq", o.seq()));
    }

    private static Answer refusal(CatalogStore.Outcome o) {
        return switch (o.status()) {
            case STALE -> error(HttpResponseStatus.CONFLICT, "stale_version", o.message(), "version");
            case NOT_FOUND -> error(HttpResponseStatus.NOT_FOUND, "not_found", o.message(), null);
            default -> invalid(o.problems());
        };
    }

    private static JsonNode parse(byte[] body) {
        try {
            return body.length == 0 ? null : MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Answer invalid(List<Problem> problems) {
        return new Answer(null, null, ApiError.problems(HttpResponseStatus.UNPROCESSABLE_ENTITY, "invalid",
                problems.size() + " problem(s); nothing was changed", problems));
    }

    private static Answer notAllowed(String allowed) {
        return error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "use " + allowed, null);
    }

    private static Answer error(HttpResponseStatus status, String code, String message, String field) {
        return new Answer(null, null, new ApiError(status, code, message, field));
    }

    private static void send(ChannelHandlerContext ctx, Answer answer, boolean keepAlive) {
        FullHttpResponse r = answer.error() != null ? HttpResponses.error(ctx, answer.error())
                : HttpResponses.json(ctx, answer.status(), answer.body());
        if (r.status().equals(HttpResponseStatus.METHOD_NOT_ALLOWED)) {
            r.headers().set(HttpHeaderNames.ALLOW, "GET, PUT, DELETE, POST");
        }
        HttpResponses.sendNow(ctx, r, keepAlive);
    }

    @Override
    public void close() {
        workers.shutdown();
    }
}
