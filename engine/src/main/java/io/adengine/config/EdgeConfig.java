package io.adengine.config;

/**
 * What the HTTP edge tolerates from its clients (keys under {@code server:} in engine.yaml): how many
 * connections each port holds, how long a connection may stay idle or take to send a request, how large a
 * request line and its headers may be, when {@code POST /v1/ads} is shed under overload, and how many ad
 * requests one user may make. Defaults stand next to their names; {@code EngineConfig.load} validates
 * every key and names it in the error.
 *
 * @param publicMaxConnections   connections the public port holds at once; at the limit a new connection
 *                               takes the place of an idle one, or is closed at once without being read
 * @param adminMaxConnections    the same for the admin port: a separate limit (and a separate event loop),
 *                               so the control plane gets in whatever the public port suffers
 * @param idleTimeoutMillis      a connection from which nothing was read for this long is closed
 * @param headerTimeoutMillis    a request's line and headers must arrive within this long of its first byte
 * @param bodyTimeoutMillis      a public request's body must arrive within this long of its headers
 * @param adminBodyTimeoutMillis the same on the admin port, where audience uploads of up to 64 MB stream
 * @param maxRequestLineBytes    longest request line (method, URI, version); longer: 414
 * @param maxHeaderBytes         largest header block; larger: 431
 * @param repeatedLogIntervalMillis a repeated error (accept failures, failing handlers) is logged at most
 *                               once per interval, with the count of the lines left out
 * @param admission              when ad requests are shed
 * @param userRateLimit          how many ad requests one user may make
 */
public record EdgeConfig(
        int publicMaxConnections,
        int adminMaxConnections,
        long idleTimeoutMillis,
        long headerTimeoutMillis,
        long bodyTimeoutMillis,
        long adminBodyTimeoutMillis,
        int maxRequestLineBytes,
        int maxHeaderBytes,
        long repeatedLogIntervalMillis,
        Admission admission,
        UserRateLimit userRateLimit) {

    public static final int PUBLIC_MAX_CONNECTIONS_DEFAULT = 10_000;
    public static final int ADMIN_MAX_CONNECTIONS_DEFAULT = 256;
    public static final long IDLE_TIMEOUT_MILLIS_DEFAULT = 30_000;
    public static final long HEADER_TIMEOUT_MILLIS_DEFAULT = 5_000;
    public static final long BODY_TIMEOUT_MILLIS_DEFAULT = 10_000;
    public static final long ADMIN_BODY_TIMEOUT_MILLIS_DEFAULT = 300_000;
    public static final int MAX_REQUEST_LINE_BYTES_DEFAULT = 4_096;
    public static final int MAX_HEADER_BYTES_DEFAULT = 8_192;
    public static final long REPEATED_LOG_INTERVAL_MILLIS_DEFAULT = 10_000;

    /**
     * Admission control of {@code POST /v1/ads} (keys under {@code server.admission:}). Each public event
     * loop estimates how long a request now waits before the loop gets to it (the lag of a probe task the
     * loop runs every millisecond while it serves); above the budget an ad request is answered 503 with
     * {@code Retry-After} before its body is parsed.
     *
     * @param maxQueueMillis    the queueing-delay budget; {@code 0} turns admission control off
     * @param retryAfterSeconds the {@code Retry-After} of a shed request
     */
    public record Admission(long maxQueueMillis, int retryAfterSeconds) {
        public static final long MAX_QUEUE_MILLIS_DEFAULT = 5;
        public static final int RETRY_AFTER_SECONDS_DEFAULT = 1;
        public static final Admission DEFAULTS = new Admission(MAX_QUEUE_MILLIS_DEFAULT, RETRY_AFTER_SECONDS_DEFAULT);

        public boolean enabled() {
            return maxQueueMillis > 0;
        }
    }

    /** What a user over the rate limit gets. */
    public enum WhenExceeded {
        /** 204, as if nothing filled: what SDKs already handle quietly, and it tells a flooder nothing. */
        NO_FILL,
        /** 429 with {@code Retry-After}. */
        TOO_MANY_REQUESTS
    }

    /**
     * Per-user rate limit of {@code POST /v1/ads} (keys under {@code server.userRateLimit:}): a token
     * bucket per user, keyed by a hash of the GAID into a fixed table (users whose hashes share a slot
     * share a bucket); requests without a usable GAID (missing, malformed, all zeros) share one bucket
     * of their own.
     *
     * @param requestsPerSecond          sustained rate of one user; {@code 0} turns the limit off
     * @param burst                      requests one user may make at once after a quiet spell
     * @param anonymousRequestsPerSecond sustained rate of all requests without a usable GAID together
     * @param anonymousBurst             burst of the shared anonymous bucket
     * @param buckets                    slots of the table (a power of two; 8 bytes each)
     * @param whenExceeded               the answer to a request over the limit
     */
    public record UserRateLimit(int requestsPerSecond, int burst, int anonymousRequestsPerSecond, int anonymousBurst, int buckets,
                                WhenExceeded whenExceeded) {
        public static final int REQUESTS_PER_SECOND_DEFAULT = 5;
        public static final int BURST_DEFAULT = 30;
        public static final int ANONYMOUS_REQUESTS_PER_SECOND_DEFAULT = 5_000;
        public static final int ANONYMOUS_BURST_DEFAULT = 10_000;
        public static final int BUCKETS_DEFAULT = 1 << 20;
        public static final UserRateLimit DEFAULTS = new UserRateLimit(REQUESTS_PER_SECOND_DEFAULT, BURST_DEFAULT,
                ANONYMOUS_REQUESTS_PER_SECOND_DEFAULT, ANONYMOUS_BURST_DEFAULT, BUCKETS_DEFAULT, WhenExceeded.NO_FILL);
        /** No limit (tests and tools that send many requests as one user). */
        public static final UserRateLimit OFF = new UserRateLimit(0, BURST_DEFAULT, ANONYMOUS_REQUESTS_PER_SECOND_DEFAULT,
                ANONYMOUS_BURST_DEFAULT, BUCKETS_DEFAULT, WhenExceeded.NO_FILL);

        public boolean enabled() {
            return requestsPerSecond > 0;
        }
    }

    /** The defaults of engine.yaml. */
    public static final EdgeConfig DEFAULTS = new EdgeConfig(PUBLIC_MAX_CONNECTIONS_DEFAULT, ADMIN_MAX_CONNECTIONS_DEFAULT,
            IDLE_TIMEOUT_MILLIS_DEFAULT, HEADER_TIMEOUT_MILLIS_DEFAULT, BODY_TIMEOUT_MILLIS_DEFAULT, ADMIN_BODY_TIMEOUT_MILLIS_DEFAULT,
            MAX_REQUEST_LINE_BYTES_DEFAULT, MAX_HEADER_BYTES_DEFAULT, REPEATED_LOG_INTERVAL_MILLIS_DEFAULT,
            Admission.DEFAULTS, UserRateLimit.DEFAULTS);

    /** A copy with other connection limits. */
    public EdgeConfig withMaxConnections(int publicMax, int adminMax) {
        return new EdgeConfig(publicMax, adminMax, idleTimeoutMillis, headerTimeoutMillis, bodyTimeoutMillis, adminBodyTimeoutMillis,
                maxRequestLineBytes, maxHeaderBytes, repeatedLogIntervalMillis, admission, userRateLimit);
    }

    /** A copy with other timeouts. */
    public EdgeConfig withTimeouts(long idleMillis, long headerMillis, long bodyMillis, long adminBodyMillis) {
        return new EdgeConfig(publicMaxConnections, adminMaxConnections, idleMillis, headerMillis, bodyMillis, adminBodyMillis,
                maxRequestLineBytes, maxHeaderBytes, repeatedLogIntervalMillis, admission, userRateLimit);
    }

    /** A copy with other admission control. */
    public EdgeConfig withAdmission(Admission admission) {
        return new EdgeConfig(publicMaxConnections, adminMaxConnections, idleTimeoutMillis, headerTimeoutMillis, bodyTimeoutMillis,
                adminBodyTimeoutMillis, maxRequestLineBytes, maxHeaderBytes, repeatedLogIntervalMillis, admission, userRateLimit);
    }

    /** A copy with another user rate limit. */
    public EdgeConfig withUserRateLimit(UserRateLimit userRateLimit) {
        return new EdgeConfig(publicMaxConnections, adminMaxConnections, idleTimeoutMillis, headerTimeoutMillis, bodyTimeoutMillis,
                adminBodyTimeoutMillis, maxRequestLineBytes, maxHeaderBytes, repeatedLogIntervalMillis, admission, userRateLimit);
    }
}
