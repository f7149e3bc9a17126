package io.adengine.server;

import io.adengine.audience.AudienceFileException;
import io.adengine.audience.AudienceService;
import io.adengine.catalog.CatalogJson;
import io.adengine.catalog.CatalogSeed;
import io.adengine.catalog.CatalogSync;
import io.adengine.catalog.CatalogWriter;
import io.adengine.cluster.CatalogLog;
import io.adengine.config.EdgeConfig;
import io.adengine.config.EngineConfig;
import io.adengine.events.EventPipeline;
import io.adengine.frequency.FrequencyCounts;
import io.adengine.events.FrequencyKeys;
import io.adengine.match.FrequencyGate;
import io.adengine.events.KafkaEventSink;
import io.adengine.events.ServedAds;
import io.adengine.events.TrackerMint;
import io.adengine.events.TrackerSigner;
import io.adengine.index.Snapshot;
import io.adengine.index.SnapshotBuilder;
import io.adengine.index.SnapshotHolder;
import io.adengine.match.BudgetGate;
import io.adengine.match.RateSource;
import io.adengine.learn.LearnedRates;
import io.adengine.match.UserTargeting;
import io.adengine.model.Catalog;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A running engine, and the one place it is wired: the catalog (a file, or the durable store that
 * control-plane sync writes), the user side, the event pipeline, the serving snapshot and the public and
 * admin HTTP servers. Each optional subsystem is present or absent by configuration; when absent, the
 * serving path uses its no-op stand-in ({@link BudgetGate#UNLIMITED}, {@link UserTargeting#UNKNOWN_USERS},
 * {@link ServedAds#NONE}) and its routes answer 404. Uses epoll where the native transport loads, NIO
 * otherwise. {@link #close()} stops everything it started, in reverse order.
 */
public final class Engine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    /** Files the engine keeps open besides connections (jars, journal, change log, Chronicle map, epoll): a generous bound. */
    private static final int FILES_BESIDE_CONNECTIONS = 1_024;

    private final SnapshotHolder snapshots;
    private final ServingMetrics metrics;
    private final Optional<EventPipeline> events;
    private final Optional<CatalogSync> sync;
    private final Optional<AudienceService> audiences;
    private final Optional<CatalogLog> catalogLog;
    private final Channel publicChannel;
    private final Channel adminChannel;
    /** What to stop on close, last started first. */
    private final Deque<AutoCloseable> started;

    private Engine(SnapshotHolder snapshots, ServingMetrics metrics, Optional<EventPipeline> events, Optional<CatalogSync> sync,
                   Optional<AudienceService> audiences, Optional<CatalogLog> catalogLog,
                   Channel publicChannel, Channel adminChannel, Deque<AutoCloseable> started) {
        this.catalogLog = catalogLog;
        this.snapshots = snapshots;
        this.metrics = metrics;
        this.events = events;
        this.sync = sync;
        this.audiences = audiences;
        this.publicChannel = publicChannel;
        this.adminChannel = adminChannel;
        this.started = started;
    }

    /**
     * Starts serving the configured catalog: the durable store's when {@code catalog.dataDir} is set (the file at
     * {@code catalog.path} is read only to seed an empty store), otherwise the file's, read-only.
     */
    public static Engine start(EngineConfig config) throws IOException, InterruptedException {
        boolean store = config.sync() != null && config.sync().dataDir() != null;
        Catalog catalog = store && !CatalogSeed.storeIsEmpty(config.sync().dataDir()) ? null : CatalogSeed.read(config.catalogPath());
        return start(config, catalog, System::currentTimeMillis);
    }

    /** Starts serving a given catalog with a given clock (tests pin the clock). */
    public static Engine start(EngineConfig config, Catalog catalog, LongSupplier clock) throws InterruptedException {
        return start(config, catalog, clock, () -> ThreadLocalRandom.current().nextLong(), BudgetGate.UNLIMITED);
    }

    /**
     * Starts serving with every collaborator given: the clock, the source of per-request rotation seeds
     * and a budget gate that must allow too (tests pin the first two and inject the third).
     */
    public static Engine start(EngineConfig config, Catalog catalog, LongSupplier clock, LongSupplier seeds, BudgetGate budget)
            throws InterruptedException {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            return start(config, catalog, clock, seeds, budget, started);
        } catch (InterruptedException | RuntimeException e) {
            stop(started);
            throw e;
        }
    }

    private static Engine start(EngineConfig config, Catalog seed, LongSupplier clock, LongSupplier seeds, BudgetGate given,
                                Deque<AutoCloseable> started) throws InterruptedException {
        Optional<CatalogSync> sync = Optional.ofNullable(config.sync()).filter(s -> s.dataDir() != null)
                .map(s -> started(started, CatalogSync.open(config, seed, clock)));
        Catalog catalog = sync.map(s -> s.store().catalog()).orElse(seed);
        Optional<AudienceService> audiences = Optional.ofNullable(config.audiences().dir()).map(dir -> started(started, openAudiences(config, clock)));

        Snapshot snapshot = new SnapshotBuilder(config.auction()).build(catalog);
        SnapshotHolder holder = new SnapshotHolder(snapshot);
        ServingMetrics metrics = new ServingMetrics(holder);
        Optional<LearnedRates> learned = config.learning().enabled()
                ? Optional.of(started(started, new LearnedRates(config.learning(), config.auction().priors(), holder, clock).startTimer()))
                : Optional.empty();
        Optional<EventPipeline> events = config.events().enabled()
                ? Optional.of(started(started, openEvents(config, holder, clock, metrics, learned))) : Optional.empty();

        // A cluster replica: changes go through the cluster's catalog log (its applying starts once publishing does).
        Optional<CatalogLog> catalogLog = config.cluster().enabled()
                ? sync.map(s -> started(started, CatalogLog.open(config.cluster(), s.store(), metrics.registry(), clock)))
                : Optional.empty();

        BudgetGate budget = events.map(e -> both(given, e.budgetGate())).orElse(given);
        UserTargeting users = audiences.<UserTargeting>map(AudienceService::targeting).orElse(UserTargeting.UNKNOWN_USERS);
        // A cluster replica's tokens name it: it alone counts their events (README "Cluster", routing of trackers).
        TrackerSigner signer = new TrackerSigner(config.trackers().hmacKey(), config.cluster().enabled() ? config.cluster().replicaId() : 0);
        AdResponseWriter writer = new AdResponseWriter(config.trackers().baseUrl());
        ServingContext context = new ServingContext(holder, metrics, new TrackerMint(signer, config.trackers().ttlSeconds()),
                writer, events.<ServedAds>map(e -> e).orElse(ServedAds.NONE),
                clock, seeds, config.maxBodyBytes(), config.adminToken(), budget, users, audiences,
                events.map(e -> new TrackerEndpoints(e, signer, config.cluster())), events.map(ReportsApi::new),
                sync.map(s -> started(started, new CatalogAdminHandler(s.store(),
                        catalogLog.<CatalogWriter>map(l -> l).orElse(CatalogWriter.local(s.store())), config.sync().adminWorkers()))),
                () -> catalogLog.flatMap(CatalogLog::notReady),
                learned.<RateSource>map(l -> l).orElse(RateSource.PRIORS),
                frequencyGate(new FrequencyKeys(config.trackers().hmacKey()), events.map(EventPipeline::frequencyCounts)));

        // Per-snapshot caches are filled by the publishing thread before each swap, not by the first request after it.
        events.ifPresent(e -> holder.beforePublish(e.budgetGate()::prepare));
        audiences.ifPresent(a -> holder.beforePublish(a.targeting()::prepare));
        holder.beforePublish(s -> s.prepareSchedules(clock.getAsLong()));
        holder.beforePublish(writer::prepare);
        started.push(scheduleClock(holder, clock));
        // The first snapshot was not published through the holder: prepare it here.
        events.ifPresent(e -> e.budgetGate().prepare(snapshot));
        audiences.ifPresent(a -> a.targeting().prepare(snapshot));
        writer.prepare(snapshot);
        sync.ifPresent(s -> s.startPublishing(new SnapshotBuilder(config.auction()), holder));
        catalogLog.ifPresent(CatalogLog::startApplying);

        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerSocketChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EdgeConfig edge = config.edge();
        warnIfConnectionsExceedFileLimit(edge);
        EdgeMetrics edgeMetrics = new EdgeMetrics(metrics.registry());
        ConnectionLimit publicLimit = new ConnectionLimit("public", edge.publicMaxConnections(), edgeMetrics);
        ConnectionLimit adminLimit = new ConnectionLimit("admin", edge.adminMaxConnections(), edgeMetrics);
        ExecutorService audienceWork = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "audience-work");
            t.setDaemon(true);
            return t;
        });
        // Let queued chunks run (they only release their buffers once the connection is gone) rather than drop them.
        started.push(() -> {
            audienceWork.shutdown();
            if (!audienceWork.awaitTermination(5, TimeUnit.SECONDS)) {
                audienceWork.shutdownNow();
            }
        });
        // Separate groups: a flood on the public port never takes the admin port's thread.
        EventLoopGroup publicGroup = started(started, new MultiThreadIoEventLoopGroup(config.ioThreads(), io));
        EventLoopGroup adminGroup = started(started, new MultiThreadIoEventLoopGroup(1, io));
        Channel pub = bind(publicGroup, channelType, new PublicChannelInitializer(context, edge, publicLimit,
                new AdAdmission(edge.admission()), new UserRequestRate(edge.userRateLimit(), System::nanoTime), config.openRtb(), config.auction()),
                config.bindAddress(), config.publicPort());
        started.push(() -> pub.close().syncUninterruptibly());
        pub.pipeline().addLast(new AcceptFailures(publicLimit.metrics(), edge.repeatedLogIntervalMillis()));
        Channel admin = bind(adminGroup, channelType, new AdminChannelInitializer(context, edge, adminLimit, audienceWork),
                config.bindAddress(), config.adminPort());
        started.push(() -> admin.close().syncUninterruptibly());
        admin.pipeline().addLast(new AcceptFailures(adminLimit.metrics(), edge.repeatedLogIntervalMillis()));
        LOG.info("serving catalog version {} ({} ad groups, {} eligible) on {} (public) and {} (admin), transport {}",
                snapshot.version(), snapshot.size(), snapshot.eligible().getCardinality(),
                pub.localAddress(), admin.localAddress(), epoll ? "epoll" : "nio");
        return new Engine(holder, metrics, events, sync, audiences, catalogLog, pub, admin, started);
    }

    /**
     * Frequency caps on the serving path: the request's frequency key, and the pipeline's counts (without the events
     * pipeline nothing is counted: caps then only keep capped groups from users without a usable id, as budgets are
     * not enforced either).
     */
    static FrequencyGate frequencyGate(FrequencyKeys keys, Optional<FrequencyCounts> counts) {
        FrequencyCounts c = counts.orElse(null);
        return new FrequencyGate() {
            @Override
            public long userKey(io.adengine.match.AdRequest request) {
                return keys.of(request.gaid());
            }

            @Override
            public int count(long userKey, io.adengine.index.FrequencyRule rule, long nowMillis) {
                return c == null ? 0 : c.count(userKey, rule, nowMillis);
            }
        };
    }

    /** The limits are only a defence if the process can open that many sockets: say so at start when it cannot. */
    private static void warnIfConnectionsExceedFileLimit(EdgeConfig edge) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            long needed = (long) edge.publicMaxConnections() + edge.adminMaxConnections() + FILES_BESIDE_CONNECTIONS;
            if (needed > os.getMaxFileDescriptorCount()) {
                LOG.warn("server.publicMaxConnections + server.adminMaxConnections ({} + {}) plus {} other files exceed the process's "
                                + "file limit of {}: accepts will fail (EMFILE) before the limits apply; raise ulimit -n or lower the limits",
                        edge.publicMaxConnections(), edge.adminMaxConnections(), FILES_BESIDE_CONNECTIONS, os.getMaxFileDescriptorCount());
            }
        }
    }

    /**
     * Keeps the serving snapshot's schedule bitmaps a quarter hour ahead (see {@code Segment.liveAt}): the
     * next quarter's is ready before its boundary, so no request computes one on the serving path.
     */
    private static AutoCloseable scheduleClock(SnapshotHolder holder, LongSupplier clock) {
        java.util.concurrent.ScheduledExecutorService ticker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "schedule-clock");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(() -> {
            long now = clock.getAsLong();
            holder.current().prepareSchedules(now);
            holder.current().prepareSchedules(now + io.adengine.model.LocalZone.QUARTER_MILLIS);
        }, 0, 60, TimeUnit.SECONDS);
        return ticker::shutdownNow;
    }

    private static AudienceService openAudiences(EngineConfig config, LongSupplier clock) {
        try {
            return AudienceService.open(config.audiences(), clock);
        } catch (IOException | AudienceFileException e) {
            throw new IllegalStateException("cannot open the audience store " + config.audiences().dir() + ": " + e.getMessage(), e);
        }
    }

    private static EventPipeline openEvents(EngineConfig config, SnapshotHolder holder, LongSupplier clock, ServingMetrics metrics,
                                            Optional<LearnedRates> learned) {
        try {
            // A cluster replica writes its events to the cluster's events topic, stamped with its replica id.
            EventPipeline.EventSink sink = config.cluster().enabled()
                    ? new KafkaEventSink(config.cluster().bootstrapServers(), config.cluster().eventsTopic(), metrics.registry(),
                            config.cluster().replicaId())
                    : config.events().kafkaEnabled()
                    ? new KafkaEventSink(config.events().kafkaBootstrap(), config.events().kafkaTopic(), metrics.registry())
                    : EventPipeline.EventSink.NONE;
            if (learned.isPresent()) {
                sink = LearningSink.before(learned.get(), sink);
            }
            return EventPipeline.start(config.events(), holder, clock, metrics.registry(), sink);
        } catch (IOException e) {
            throw new UncheckedIOException("could not open the event journal in " + config.events().journalDir(), e);
        }
    }

    /** The given gate and the ledger's: both must allow. */
    private static BudgetGate both(BudgetGate given, BudgetGate ledger) {
        if (given == BudgetGate.UNLIMITED) {
            return ledger;
        }
        return (snapshot, ordinal) -> given.allows(snapshot, ordinal) && ledger.allows(snapshot, ordinal);
    }

    private static <T extends AutoCloseable> T started(Deque<AutoCloseable> started, T part) {
        started.push(part);
        return part;
    }

    private static EventLoopGroup started(Deque<AutoCloseable> started, EventLoopGroup group) {
        started.push(() -> group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
        return group;
    }

    private static Channel bind(EventLoopGroup group, Class<? extends ServerSocketChannel> type,
                                ChannelInitializer<SocketChannel> initializer, String address, int port) throws InterruptedException {
        return new ServerBootstrap()
                .group(group)
                .channel(type)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer)
                .bind(address, port).sync().channel();
    }

    public int publicPort() {
        return ((InetSocketAddress) publicChannel.localAddress()).getPort();
    }

    public int adminPort() {
        return ((InetSocketAddress) adminChannel.localAddress()).getPort();
    }

    public SnapshotHolder snapshots() {
        return snapshots;
    }

    public ServingMetrics metrics() {
        return metrics;
    }

    /** The event pipeline (ledger, reports); empty when {@code events.journalDir} is not set. */
    public Optional<EventPipeline> events() {
        return events;
    }

    /** The user side (dictionary, audiences, reach); empty when {@code audiences.dir} is not set. */
    public Optional<AudienceService> audiences() {
        return audiences;
    }

    /** The control-plane sync parts (store, publisher); empty when {@code catalog.dataDir} is not set. */
    public Optional<CatalogSync> sync() {
        return sync;
    }

    /** The cluster's catalog log this replica follows; empty when {@code cluster.enabled} is off. */
    public Optional<CatalogLog> catalogLog() {
        return catalogLog;
    }

    /** Blocks until the public server channel closes. */
    public void awaitClose() throws InterruptedException {
        publicChannel.closeFuture().sync();
    }

    @Override
    public void close() {
        stop(started);
    }

    private static void stop(Deque<AutoCloseable> started) {
        AutoCloseable part;
        while ((part = started.poll()) != null) {
            try {
                part.close();
            } catch (Exception e) {
                LOG.error("stopping {} failed: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
