package io.adengine.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.adengine.model.Currency;
import io.adengine.model.Money;
import io.adengine.model.PlacementType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Everything the engine is configured with. Defaults stand next to their names; {@link #load} reads
 * {@code engine.yaml}, applies environment overrides for secrets and validates every key once.
 *
 * @param publicPort      port of the SDK-facing API ({@code 0} picks a free one)
 * @param adminPort       port of the admin API and metrics ({@code 0} picks a free one)
 * @param bindAddress     address both ports bind to
 * @param ioThreads       Netty event-loop threads (0: one per core)
 * @param maxBodyBytes    largest request body accepted; larger ones get 413
 * @param adminToken      bearer token of the admin port
 * @param catalogPath     catalog document served at start
 * @param auction         auction currency, exchange rates and click / conversion priors
 * @param trackers        tracker URL base, signing key and lifetime
 * @param events          event pipeline, journal, dedup, pacing and Kafka sink
 * @param sync            control-plane sync: where accepted catalog changes live, how often serving rebuilds
 * @param audiences       where user data lives and the reach priors ({@link AudienceConfig#NONE}: no user data)
 * @param edge            connection limits, timeouts, request size limits, admission control and per-user rate limits
 * @param cluster         replicas sharing one catalog through Kafka ({@link ClusterConfig#OFF}: the single-process engine)
 * @param openRtb         the OpenRTB 2.6 bidder endpoint's tag-id mapping and default ad spaces
 * @param learning        learned click and conversion rates, exploration, their state file
 */
public record EngineConfig(
        int publicPort,
        int adminPort,
        String bindAddress,
        int ioThreads,
        int maxBodyBytes,
        String adminToken,
        Path catalogPath,
        AuctionConfig auction,
        TrackerConfig trackers,
        EventsConfig events,
        SyncConfig sync,
        AudienceConfig audiences,
        EdgeConfig edge,
        ClusterConfig cluster,
        OpenRtbConfig openRtb,
        LearningConfig learning) {

    public EngineConfig {
        if (cluster.enabled() && (sync == null || sync.dataDir() == null)) {
            throw new ConfigException("catalog.dataDir", "is required when cluster.enabled is true (each replica keeps its own store)");
        }
    }

    public static final int PUBLIC_PORT_DEFAULT = 8080;
    public static final int ADMIN_PORT_DEFAULT = 8081;
    public static final String BIND_ADDRESS_DEFAULT = "127.0.0.1";
    public static final int IO_THREADS_DEFAULT = 0;
    public static final int MAX_BODY_BYTES_DEFAULT = 16 * 1024;
    public static final String ADMIN_TOKEN_ENV = "ENGINE_ADMIN_TOKEN";
    public static final String TRACKER_KEY_ENV = "ENGINE_TRACKER_KEY";

    /**
     * Exchange rates and priors of the auction.
     *
     * @param currency      the currency every bid is converted into before ranking
     * @param microsPerUnit for each currency, micros of the auction currency one unit of it is worth
     * @param priors        expected click-through and conversion rates per placement type, in parts per million
     * @param reservePriceCpmMicros the network's reserve price (auction-currency micros per thousand): the least
     *                      eCPM a non-booked ad must reach on any ad space and the least it pays, whatever the
     *                      ad space's own floor (which raises it further); so an ad alone in its auction pays
     *                      max(floor, reserve), never 0 and never above its bid
     */
    public record AuctionConfig(Currency currency, Map<Currency, Long> microsPerUnit, Map<PlacementType, Prior> priors,
                                long reservePriceCpmMicros) {

        /** The network reserve price when the config names none: 0.10 per thousand of the auction currency. */
        public static final long RESERVE_PRICE_DEFAULT = 100_000;

        /** With the default reserve price. */
        public AuctionConfig(Currency currency, Map<Currency, Long> microsPerUnit, Map<PlacementType, Prior> priors) {
            this(currency, microsPerUnit, priors, RESERVE_PRICE_DEFAULT);
        }

        public AuctionConfig {
            if (reservePriceCpmMicros < 0 || reservePriceCpmMicros > Money.MAX_AMOUNT_MICROS) {
                throw new ConfigException("auction.reservePriceCpmMicros", "must be 0.." + Money.MAX_AMOUNT_MICROS);
            }
            microsPerUnit = Map.copyOf(microsPerUnit);
            priors = Map.copyOf(priors);
            for (Currency c : Currency.values()) {
                if (!microsPerUnit.containsKey(c)) {
                    throw new ConfigException("auction.microsPerUnit." + c, "is required for every currency");
                }
            }
            if (microsPerUnit.get(currency) != 1_000_000L) {
                throw new ConfigException("auction.microsPerUnit." + currency, "the auction currency must be worth 1000000 micros of itself");
            }
            for (PlacementType p : PlacementType.values()) {
                if (!priors.containsKey(p)) {
                    throw new ConfigException("auction.priors." + p, "is required for every placement type");
                }
            }
        }

        /** The defaults: USD auction, rough late-2026 rates, conservative priors. */
        public static AuctionConfig defaults() {
            Map<PlacementType, Prior> priors = new EnumMap<>(PlacementType.class);
            for (PlacementType p : PlacementType.values()) {
                priors.put(p, new Prior(10_000, 50_000));
            }
            return new AuctionConfig(Currency.USD, Map.of(Currency.USD, 1_000_000L, Currency.RMB, 138_000L, Currency.INR, 11_800L), priors);
        }
    }

    /** A click-through and a conversion rate, each in parts per million (1..1,000,000). */
    public record Prior(int ctrPpm, int cvrPpm) {
        public Prior {
            if (ctrPpm < 1 || ctrPpm > 1_000_000 || cvrPpm < 1 || cvrPpm > 1_000_000) {
                throw new IllegalArgumentException("ctrPpm and cvrPpm must be 1..1000000");
            }
        }
    }

    /**
     * Tracker URLs.
     *
     * @param baseUrl    scheme, host and port SDKs reach the public API at
     * @param hmacKey    signing key (at least 16 bytes)
     * @param ttlSeconds how long a tracker stays valid
     */
    public record TrackerConfig(String baseUrl, byte[] hmacKey, long ttlSeconds) {
    }

    /**
     * Control-plane sync (keys under {@code catalog:} in engine.yaml).
     *
     * @param dataDir               folder of the change log, snapshots and operation log; {@code null} turns the
     *                              catalog admin API off and serves {@code catalog.path} read-only
     * @param rulesDir              folder holding creative-formats.yaml and industries.yaml
     * @param rebuildIntervalMillis least time between two serving-snapshot rebuilds while changes arrive
     * @param snapshotEveryChanges  change-log records between two catalog snapshots (compaction)
     * @param adminWorkers          threads applying admin changes (concurrent changes share one fsync)
     */
    public record SyncConfig(Path dataDir, Path rulesDir, long rebuildIntervalMillis, int snapshotEveryChanges, int adminWorkers) {
        public static final long REBUILD_INTERVAL_MILLIS_DEFAULT = 200;
        public static final int SNAPSHOT_EVERY_CHANGES_DEFAULT = 100_000;
        public static final int ADMIN_WORKERS_DEFAULT = 4;

        /** Sync off: no data folder. */
        public static SyncConfig off(Path rulesDir) {
            return new SyncConfig(null, rulesDir, REBUILD_INTERVAL_MILLIS_DEFAULT, SNAPSHOT_EVERY_CHANGES_DEFAULT, ADMIN_WORKERS_DEFAULT);
        }
    }

    /**
     * User data (section {@code audiences:}, optional).
     *
     * @param dir                         the audience store folder ({@code null}: no user data, every user unknown)
     * @param maxUsers                    dictionary capacity the Chronicle Map is sized for
     * @param dailyActivePercent          reach prior: share of an audience that sends requests on a given day
     * @param requestsPerActiveUserPerDay reach prior: ad requests per active user per day
     * @param reachMinObservedUsers       distinct known users a day of observed traffic needs before reach
     *                                    estimates use it instead of the priors (fewer say little about rates)
     */
    public record AudienceConfig(Path dir, long maxUsers, int dailyActivePercent, int requestsPerActiveUserPerDay,
                                 long reachMinObservedUsers) {

        public static final long MAX_USERS_DEFAULT = 20_000_000L;
        public static final int DAILY_ACTIVE_PERCENT_DEFAULT = 30;
        public static final int REQUESTS_PER_ACTIVE_USER_PER_DAY_DEFAULT = 20;
        public static final long REACH_MIN_OBSERVED_USERS_DEFAULT = 1_000;
        public static final AudienceConfig NONE = new AudienceConfig(null, MAX_USERS_DEFAULT, DAILY_ACTIVE_PERCENT_DEFAULT,
                REQUESTS_PER_ACTIVE_USER_PER_DAY_DEFAULT, REACH_MIN_OBSERVED_USERS_DEFAULT);

        /** The defaults with a store folder. */
        public static AudienceConfig at(Path dir, long maxUsers) {
            return new AudienceConfig(dir, maxUsers, DAILY_ACTIVE_PERCENT_DEFAULT, REQUESTS_PER_ACTIVE_USER_PER_DAY_DEFAULT,
                    REACH_MIN_OBSERVED_USERS_DEFAULT);
        }
    }

    /** The edge settings of {@link #defaults}: engine defaults with admission control and the user rate limit off. */
    public static final EdgeConfig EDGE_FOR_TESTS = EdgeConfig.DEFAULTS.withAdmission(new EdgeConfig.Admission(0,
            EdgeConfig.Admission.RETRY_AFTER_SECONDS_DEFAULT)).withUserRateLimit(EdgeConfig.UserRateLimit.OFF);

    /**
     * A configuration for tests and tools: defaults, free ports, the given catalog; admission control and the
     * user rate limit off ({@link #EDGE_FOR_TESTS}).
     */
    public static EngineConfig defaults(Path catalogPath) {
        return new EngineConfig(0, 0, BIND_ADDRESS_DEFAULT, 1, MAX_BODY_BYTES_DEFAULT, "test-admin-token", catalogPath,
                AuctionConfig.defaults(),
                new TrackerConfig("http://127.0.0.1:8080", "test-tracker-key-0123456789".getBytes(StandardCharsets.UTF_8), 86_400),
                EventsConfig.disabled(),
                SyncConfig.off(catalogPath.toAbsolutePath().getParent()),
                AudienceConfig.NONE,
                // Tests send many requests as one user from a loaded box: both switched on where tested.
                EDGE_FOR_TESTS,
                ClusterConfig.OFF, OpenRtbConfig.DEFAULTS,
                LearningConfig.off());
    }

    /** A copy with another body limit. */
    public EngineConfig withMaxBodyBytes(int maxBodyBytes) {
        return new EngineConfig(publicPort, adminPort, bindAddress, ioThreads, maxBodyBytes, adminToken, catalogPath, auction, trackers, events, sync, audiences, edge, cluster, openRtb, learning);
    }

    /** A copy with another events section. */
    public EngineConfig withEvents(EventsConfig events) {
        return new EngineConfig(publicPort, adminPort, bindAddress, ioThreads, maxBodyBytes, adminToken, catalogPath, auction, trackers, events, sync, audiences, edge, cluster, openRtb, learning);
    }

    /** A copy with other sync settings. */
    public EngineConfig withSync(SyncConfig sync) {
        return new EngineConfig(publicPort, adminPort, bindAddress, ioThreads, maxBodyBytes, adminToken, catalogPath, auction, trackers, events, sync, audiences, edge, cluster, openRtb, learning);
    }

    /** A copy with other edge settings (limits, timeouts, admission, rate limits). */
    public EngineConfig withEdge(EdgeConfig edge) {
        return new EngineConfig(publicPort, adminPort, bindAddress, ioThreads, maxBodyBytes, adminToken, catalogPath, auction, trackers, events, sync, audiences, edge, cluster, openRtb, learning);
    }

    /** A copy with other learning settings. */
    public EngineConfig withLearning(LearningConfig learning) {
        return new EngineConfig(publicPort, adminPort, bindAddress, ioThreads, maxBodyBytes, adminToken, catalogPath, auction, trackers, events, sync, audiences, edge, cluster, openRtb, learning);
    }

    /** A copy listening on other ports (0: any free port). */
    public EngineConfig withPorts(int publicPort, int adminPort) {
        return new EngineConfig(publicPort, adminPort, bindAddress, ioThreads, maxBodyBytes, adminToken, catalogPath, auction, trackers, events, sync, audiences, edge, cluster, openRtb, learning);
    }

    /** A copy with other cluster settings. */
    public EngineConfig withCluster(ClusterConfig cluster) {
        return new EngineConfig(publicPort, adminPort, bindAddress, ioThreads, maxBodyBytes, adminToken, catalogPath, auction, trackers, events, sync, audiences, edge, cluster, openRtb, learning);
    }

    /** A copy with other OpenRTB settings. */
    public EngineConfig withOpenRtb(OpenRtbConfig openRtb) {
        return new EngineConfig(publicPort, adminPort, bindAddress, ioThreads, maxBodyBytes, adminToken, catalogPath, auction, trackers, events, sync, audiences, edge, cluster, openRtb, learning);
    }

    /** A copy with other user-data settings. */
    public EngineConfig withAudiences(AudienceConfig audiences) {
        return new EngineConfig(publicPort, adminPort, bindAddress, ioThreads, maxBodyBytes, adminToken, catalogPath, auction, trackers, events, sync, audiences, edge, cluster, openRtb, learning);
    }

    /**
     * Reads and validates a YAML configuration. Relative paths inside it are relative to the file's
     * folder. {@value #ADMIN_TOKEN_ENV} and {@value #TRACKER_KEY_ENV} override the secrets.
     */
    public static EngineConfig load(Path file, Map<String, String> env) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        if (root == null || !root.isObject()) {
            throw new ConfigException("$", "the configuration must be a YAML mapping");
        }
        Path base = file.toAbsolutePath().getParent();
        Reader r = new Reader(root, "");
        Reader server = r.child("server");
        Reader admin = r.child("admin");
        Reader catalog = r.child("catalog");
        Reader auction = r.child("auction");
        Reader trackers = r.child("trackers");
        Reader events = r.child("events");
        Reader audiences = r.child("audiences");
        Reader cluster = r.child("cluster");
        Reader openRtb = r.child("openrtb");
        checkKeys(r, Set.of("server", "admin", "catalog", "auction", "trackers", "events", "audiences", "cluster", "openrtb", "learning"));
        checkKeys(audiences, Set.of("dir", "maxUsers", "dailyActivePercent", "requestsPerActiveUserPerDay", "reachMinObservedUsers"));
        checkKeys(server, Set.of("publicPort", "adminPort", "bindAddress", "ioThreads", "maxBodyBytes", "publicMaxConnections",
                "adminMaxConnections", "idleTimeoutMillis", "headerTimeoutMillis", "bodyTimeoutMillis", "adminBodyTimeoutMillis",
                "maxRequestLineBytes", "maxHeaderBytes", "repeatedLogIntervalMillis", "admission", "userRateLimit"));
        checkKeys(trackers, Set.of("baseUrl", "hmacKey", "ttlSeconds"));

        String token = env.getOrDefault(ADMIN_TOKEN_ENV, admin.text("token", null));
        if (token == null || token.length() < 8) {
            throw new ConfigException("admin.token", "needs at least 8 characters (or set " + ADMIN_TOKEN_ENV + ")");
        }
        String key = env.getOrDefault(TRACKER_KEY_ENV, trackers.text("hmacKey", null));
        if (key == null || key.length() < 16) {
            throw new ConfigException("trackers.hmacKey", "needs at least 16 characters (or set " + TRACKER_KEY_ENV + ")");
        }
        String catalogFile = catalog.text("path", null);
        if (catalogFile == null) {
            throw new ConfigException("catalog.path", "is required");
        }

        AuctionConfig defaults = AuctionConfig.defaults();
        Currency currency = auction.enumValue("currency", Currency.class, defaults.currency());
        Map<Currency, Long> rates = new EnumMap<>(defaults.microsPerUnit());
        Reader rateNode = auction.child("microsPerUnit");
        for (Iterator<String> it = rateNode.json.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            Currency c = parseEnum(rateNode.path(name), Currency.class, name);
            rates.put(c, rateNode.longValue(name, 1, 1_000_000_000_000L, 0));
        }
        Map<PlacementType, Prior> priors = new EnumMap<>(defaults.priors());
        Reader priorNode = auction.child("priors");
        for (Iterator<String> it = priorNode.json.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            PlacementType p = parseEnum(priorNode.path(name), PlacementType.class, name);
            Reader one = priorNode.child(name);
            priors.put(p, new Prior((int) one.longValue("ctrPpm", 1, 1_000_000, 10_000),
                    (int) one.longValue("cvrPpm", 1, 1_000_000, 50_000)));
        }
        String baseUrl = trackers.text("baseUrl", "http://127.0.0.1:" + PUBLIC_PORT_DEFAULT);
        if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
            throw new ConfigException("trackers.baseUrl", "must start with http:// or https://");
        }
        return new EngineConfig(
                (int) server.longValue("publicPort", 0, 65_535, PUBLIC_PORT_DEFAULT),
                (int) server.longValue("adminPort", 0, 65_535, ADMIN_PORT_DEFAULT),
                server.text("bindAddress", BIND_ADDRESS_DEFAULT),
                (int) server.longValue("ioThreads", 0, 256, IO_THREADS_DEFAULT),
                (int) server.longValue("maxBodyBytes", 256, 16 * 1024 * 1024, MAX_BODY_BYTES_DEFAULT),
                token,
                base.resolve(catalogFile).normalize(),
                new AuctionConfig(currency, rates, priors,
                        auction.longValue("reservePriceCpmMicros", 0, Money.MAX_AMOUNT_MICROS, AuctionConfig.RESERVE_PRICE_DEFAULT)),
                new TrackerConfig(stripSlash(baseUrl), key.getBytes(StandardCharsets.UTF_8),
                        trackers.longValue("ttlSeconds", 60, 30L * 86_400, 86_400)),
                readEvents(events, base),
                syncConfig(catalog, base),
                audienceConfig(audiences, base),
                edgeConfig(server),
                clusterConfig(cluster),
                openRtbConfig(openRtb),
                learningConfig(r.child("learning"), base));
    }

    private static OpenRtbConfig openRtbConfig(Reader o) {
        checkKeys(o, Set.of("tagIds", "defaultAdSpaces"));
        Map<String, Long> tagIds = new java.util.HashMap<>();
        Reader tags = o.child("tagIds");
        for (Iterator<String> it = tags.json.fieldNames(); it.hasNext(); ) {
            String tag = it.next();
            tagIds.put(tag, tags.longValue(tag, 1, Long.MAX_VALUE, 0));
        }
        Reader defaults = o.child("defaultAdSpaces");
        checkKeys(defaults, Set.of("banner", "video", "native"));
        return new OpenRtbConfig(tagIds, defaults.longValue("banner", 0, Long.MAX_VALUE, 0), defaults.longValue("video", 0, Long.MAX_VALUE, 0),
                defaults.longValue("native", 0, Long.MAX_VALUE, 0));
    }

    private static LearningConfig learningConfig(Reader l, Path base) {
        checkKeys(l, Set.of("enabled", "halfLifeMinutes", "priorClicks", "priorConversions", "publishIntervalMillis",
                "explorationPermille", "stateFile", "saveIntervalSeconds"));
        String enabled = l.text("enabled", "false");
        if (!enabled.equals("true") && !enabled.equals("false")) {
            throw new ConfigException(l.path("enabled"), "must be true or false");
        }
        String state = l.text("stateFile", null);
        return new LearningConfig(enabled.equals("true"),
                l.longValue("halfLifeMinutes", 0, 525_600, LearningConfig.HALF_LIFE_MINUTES_DEFAULT),
                l.longValue("priorClicks", 1, 1_000_000, LearningConfig.PRIOR_CLICKS_DEFAULT),
                l.longValue("priorConversions", 1, 1_000_000, LearningConfig.PRIOR_CONVERSIONS_DEFAULT),
                l.longValue("publishIntervalMillis", 100, 3_600_000, LearningConfig.PUBLISH_INTERVAL_MILLIS_DEFAULT),
                (int) l.longValue("explorationPermille", 0, LearningConfig.EXPLORATION_PERMILLE_MAX, LearningConfig.EXPLORATION_PERMILLE_DEFAULT),
                state == null ? null : base.resolve(state).normalize(),
                l.longValue("saveIntervalSeconds", 1, 86_400, LearningConfig.SAVE_INTERVAL_SECONDS_DEFAULT));
    }

    private static EdgeConfig edgeConfig(Reader server) {
        Reader admission = server.child("admission");
        checkKeys(admission, Set.of("maxQueueMillis", "retryAfterSeconds"));
        Reader rate = server.child("userRateLimit");
        checkKeys(rate, Set.of("requestsPerSecond", "burst", "anonymousRequestsPerSecond", "anonymousBurst", "buckets", "whenExceeded"));
        long buckets = rate.longValue("buckets", 1 << 10, 1 << 26, EdgeConfig.UserRateLimit.BUCKETS_DEFAULT);
        if (Long.bitCount(buckets) != 1) {
            throw new ConfigException(rate.path("buckets"), "must be a power of two, was " + buckets);
        }
        long header = server.longValue("headerTimeoutMillis", 10, 600_000, EdgeConfig.HEADER_TIMEOUT_MILLIS_DEFAULT);
        return new EdgeConfig(
                (int) server.longValue("publicMaxConnections", 1, 1_000_000, EdgeConfig.PUBLIC_MAX_CONNECTIONS_DEFAULT),
                (int) server.longValue("adminMaxConnections", 1, 100_000, EdgeConfig.ADMIN_MAX_CONNECTIONS_DEFAULT),
                server.longValue("idleTimeoutMillis", 10, 3_600_000, EdgeConfig.IDLE_TIMEOUT_MILLIS_DEFAULT),
                header,
                server.longValue("bodyTimeoutMillis", 10, 3_600_000, EdgeConfig.BODY_TIMEOUT_MILLIS_DEFAULT),
                server.longValue("adminBodyTimeoutMillis", 10, 3_600_000, EdgeConfig.ADMIN_BODY_TIMEOUT_MILLIS_DEFAULT),
                (int) server.longValue("maxRequestLineBytes", 256, 65_536, EdgeConfig.MAX_REQUEST_LINE_BYTES_DEFAULT),
                (int) server.longValue("maxHeaderBytes", 1_024, 1 << 20, EdgeConfig.MAX_HEADER_BYTES_DEFAULT),
                server.longValue("repeatedLogIntervalMillis", 1, 3_600_000, EdgeConfig.REPEATED_LOG_INTERVAL_MILLIS_DEFAULT),
                new EdgeConfig.Admission(
                        admission.longValue("maxQueueMillis", 0, 60_000, EdgeConfig.Admission.MAX_QUEUE_MILLIS_DEFAULT),
                        (int) admission.longValue("retryAfterSeconds", 1, 3_600, EdgeConfig.Admission.RETRY_AFTER_SECONDS_DEFAULT)),
                new EdgeConfig.UserRateLimit(
                        (int) rate.longValue("requestsPerSecond", 0, 1_000_000, EdgeConfig.UserRateLimit.REQUESTS_PER_SECOND_DEFAULT),
                        (int) rate.longValue("burst", 1, 1_000_000, EdgeConfig.UserRateLimit.BURST_DEFAULT),
                        (int) rate.longValue("anonymousRequestsPerSecond", 1, 100_000_000,
                                EdgeConfig.UserRateLimit.ANONYMOUS_REQUESTS_PER_SECOND_DEFAULT),
                        (int) rate.longValue("anonymousBurst", 1, 100_000_000, EdgeConfig.UserRateLimit.ANONYMOUS_BURST_DEFAULT),
                        (int) buckets,
                        rate.enumValue("whenExceeded", EdgeConfig.WhenExceeded.class, EdgeConfig.WhenExceeded.NO_FILL)));
    }

    private static EventsConfig readEvents(Reader e, Path base) {
        checkKeys(e, Set.of("journalDir", "ringSize", "waitStrategy", "fullRingPolicy", "fsync", "journalFileBytes",
                "dedupWindowSeconds", "dedupCapacity", "reservationSeconds", "pacing", "pacingPeriodMillis", "kafka",
                "minClickDelayMillis", "conversionSourceCapacity", "checkpointIntervalSeconds", "retentionDays", "frequencyMaxSlots"));
        Reader kafka = e.child("kafka");
        checkKeys(kafka, Set.of("enabled", "bootstrapServers", "topic"));
        String dir = e.text("journalDir", null);
        long ring = e.longValue("ringSize", 64, 1 << 24, EventsConfig.RING_SIZE_DEFAULT);
        if (Long.bitCount(ring) != 1) {
            throw new ConfigException(e.path("ringSize"), "must be a power of two, was " + ring);
        }
        String enabled = kafka.text("enabled", "false");
        if (!enabled.equals("true") && !enabled.equals("false")) {
            throw new ConfigException(kafka.path("enabled"), "must be true or false");
        }
        String bootstrap = kafka.text("bootstrapServers", "127.0.0.1:9092");
        String topic = kafka.text("topic", "adengine-events");
        if (enabled.equals("true") && (bootstrap.isBlank() || topic.isBlank())) {
            throw new ConfigException(kafka.path("bootstrapServers"), "and topic are required when kafka.enabled is true");
        }
        return new EventsConfig(
                dir == null || dir.isBlank() ? null : base.resolve(dir).normalize(),
                (int) ring,
                e.enumValue("waitStrategy", EventsConfig.WaitStrategy.class, EventsConfig.WAIT_STRATEGY_DEFAULT),
                e.enumValue("fullRingPolicy", EventsConfig.FullRingPolicy.class, EventsConfig.FullRingPolicy.SHED),
                e.enumValue("fsync", EventsConfig.Fsync.class, EventsConfig.Fsync.BATCH),
                e.longValue("journalFileBytes", 1 << 16, 1L << 34, EventsConfig.JOURNAL_FILE_BYTES_DEFAULT),
                // Event times are kept as int milliseconds inside a window: at most 24 days.
                e.longValue("dedupWindowSeconds", 1, 24L * 86_400, EventsConfig.DEDUP_WINDOW_SECONDS_DEFAULT),
                (int) e.longValue("dedupCapacity", 1 << 10, 1 << 27, EventsConfig.DEDUP_CAPACITY_DEFAULT),
                e.longValue("reservationSeconds", 1, 86_400, EventsConfig.RESERVATION_SECONDS_DEFAULT),
                e.enumValue("pacing", EventsConfig.Pacing.class, EventsConfig.Pacing.EVEN),
                e.longValue("pacingPeriodMillis", 10, 3_600_000, EventsConfig.PACING_PERIOD_MILLIS_DEFAULT),
                enabled.equals("true"), bootstrap, topic,
                new EventsConfig.Validity(e.longValue("minClickDelayMillis", 0, 3_600_000, EventsConfig.Validity.MIN_CLICK_DELAY_MILLIS_DEFAULT),
                        (int) e.longValue("conversionSourceCapacity", 1 << 10, 1 << 27, EventsConfig.Validity.CONVERSION_SOURCE_CAPACITY_DEFAULT)),
                new EventsConfig.Retention(e.longValue("checkpointIntervalSeconds", 1, 86_400, EventsConfig.Retention.CHECKPOINT_INTERVAL_SECONDS_DEFAULT),
                        e.longValue("retentionDays", EventsConfig.Retention.RETENTION_DAYS_MIN, 36_500, EventsConfig.Retention.RETENTION_DAYS_DEFAULT)),
                (int) e.longValue("frequencyMaxSlots", 1 << 10, 1 << 27, EventsConfig.FREQUENCY_MAX_SLOTS_DEFAULT));
    }

    private static SyncConfig syncConfig(Reader catalog, Path base) {
        checkKeys(catalog, Set.of("path", "dataDir", "rulesDir", "rebuildIntervalMillis", "snapshotEveryChanges", "adminWorkers"));
        String dataDir = catalog.text("dataDir", null);
        return new SyncConfig(dataDir == null ? null : base.resolve(dataDir).normalize(),
                base.resolve(catalog.text("rulesDir", ".")).normalize(),
                catalog.longValue("rebuildIntervalMillis", 1, 60_000, SyncConfig.REBUILD_INTERVAL_MILLIS_DEFAULT),
                (int) catalog.longValue("snapshotEveryChanges", 1, 100_000_000, SyncConfig.SNAPSHOT_EVERY_CHANGES_DEFAULT),
                (int) catalog.longValue("adminWorkers", 1, 64, SyncConfig.ADMIN_WORKERS_DEFAULT));
    }

    private static ClusterConfig clusterConfig(Reader c) {
        checkKeys(c, Set.of("enabled", "bootstrapServers", "replicaId", "topics", "groupPrefix", "catchUpTimeoutMillis", "replicationFactor",
                "replicas"));
        Reader topics = c.child("topics");
        checkKeys(topics, Set.of("catalog", "events"));
        String enabled = c.text("enabled", "false");
        if (!enabled.equals("true") && !enabled.equals("false")) {
            throw new ConfigException(c.path("enabled"), "must be true or false");
        }
        if (enabled.equals("false")) {
            return ClusterConfig.OFF;
        }
        return new ClusterConfig(true,
                c.text("bootstrapServers", ClusterConfig.BOOTSTRAP_DEFAULT),
                (int) c.longValue("replicaId", 1, ClusterConfig.MAX_REPLICA_ID, 0),
                topics.text("catalog", ClusterConfig.CATALOG_TOPIC_DEFAULT),
                topics.text("events", ClusterConfig.EVENTS_TOPIC_DEFAULT),
                c.text("groupPrefix", ClusterConfig.GROUP_PREFIX_DEFAULT),
                c.longValue("catchUpTimeoutMillis", 100, 3_600_000, ClusterConfig.CATCH_UP_TIMEOUT_MILLIS_DEFAULT),
                (int) c.longValue("replicationFactor", 1, 32, ClusterConfig.REPLICATION_FACTOR_DEFAULT),
                replicaUrls(c));
    }

    /** {@code cluster.replicas: [{id: 1, publicUrl: "http://10.0.0.1:8080"}, …]}. */
    private static Map<Integer, String> replicaUrls(Reader c) {
        JsonNode list = c.json().get("replicas");
        if (list == null || list.isNull()) {
            return Map.of();
        }
        if (!list.isArray()) {
            throw new ConfigException(c.path("replicas"), "must be a list of {id, publicUrl}");
        }
        Map<Integer, String> urls = new java.util.HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            if (!list.get(i).isObject()) {
                throw new ConfigException(c.path("replicas[" + i + "]"), "must be a mapping {id, publicUrl}");
            }
            Reader r = new Reader(list.get(i), c.path("replicas[" + i + "]"));
            checkKeys(r, Set.of("id", "publicUrl"));
            int id = (int) r.longValue("id", 1, ClusterConfig.MAX_REPLICA_ID, 0);
            String url = r.text("publicUrl", null);
            if (id == 0 || url == null) {
                throw new ConfigException(r.path(id == 0 ? "id" : "publicUrl"), "is required");
            }
            if (urls.put(id, url) != null) {
                throw new ConfigException(r.path("id"), "replica " + id + " is listed twice");
            }
        }
        return urls;
    }

    private static AudienceConfig audienceConfig(Reader a, Path base) {
        String dir = a.text("dir", null);
        return new AudienceConfig(dir == null ? null : base.resolve(dir).normalize(),
                a.longValue("maxUsers", 1_000, 1_000_000_000L, AudienceConfig.MAX_USERS_DEFAULT),
                (int) a.longValue("dailyActivePercent", 1, 100, AudienceConfig.DAILY_ACTIVE_PERCENT_DEFAULT),
                (int) a.longValue("requestsPerActiveUserPerDay", 1, 100_000, AudienceConfig.REQUESTS_PER_ACTIVE_USER_PER_DAY_DEFAULT),
                a.longValue("reachMinObservedUsers", 1, 1_000_000_000L, AudienceConfig.REACH_MIN_OBSERVED_USERS_DEFAULT));
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static void checkKeys(Reader node, Set<String> known) {
        for (Iterator<String> it = node.json.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw new ConfigException(node.path(name), "unknown key; known keys are " + known);
            }
        }
    }

    private static <E extends Enum<E>> E parseEnum(String key, Class<E> type, String value) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "unknown value \"" + value + "\"");
        }
    }

    /** A YAML mapping with its key path. */
    private record Reader(JsonNode json, String path) {

        String path(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        Reader child(String key) {
            JsonNode v = json.get(key);
            if (v == null || v.isNull()) {
                return new Reader(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), path(key));
            }
            if (!v.isObject()) {
                throw new ConfigException(path(key), "must be a mapping");
            }
            return new Reader(v, path(key));
        }

        String text(String key, String fallback) {
            JsonNode v = json.get(key);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isValueNode()) {
                throw new ConfigException(path(key), "must be a string");
            }
            return v.asText();
        }

        long longValue(String key, long min, long max, long fallback) {
            JsonNode v = json.get(key);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isIntegralNumber()) {
                throw new ConfigException(path(key), "must be an integer " + min + ".." + max);
            }
            long value = v.asLong();
            if (value < min || value > max) {
                throw new ConfigException(path(key), "must be " + min + ".." + max + ", was " + value);
            }
            return value;
        }

        <E extends Enum<E>> E enumValue(String key, Class<E> type, E fallback) {
            String v = text(key, null);
            return v == null ? fallback : parseEnum(path(key), type, v);
        }
    }
}
