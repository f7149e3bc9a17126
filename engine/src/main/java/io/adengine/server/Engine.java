package io.adengine.server;

import io.adengine.audience.AudienceFileException;
import io.adengine.audience.AudienceService;
import io.adengine.config.EngineConfig;
import io.adengine.events.EventPipeline;
import io.adengine.events.TrackerSigner;
import io.adengine.index.Snapshot;
import io.adengine.index.SnapshotBuilder;
import io.adengine.index.SnapshotHolder;
import io.adengine.match.BudgetGate;
import io.adengine.model.Catalog;
import io.adengine.model.CatalogJson;
import io.adengine.sync.CatalogSync;
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
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * A running engine: the catalog snapshot, the public and admin HTTP servers, metrics. Uses epoll where
 * the native transport loads, NIO otherwise. {@link #close()} stops everything it started.
 */
public final class Engine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    private final SnapshotHolder snapshots;
    private final ServingMetrics metrics;
    private final EventLoopGroup publicGroup;
    private final EventLoopGroup adminGroup;
    private final Channel publicChannel;
    private final Channel adminChannel;
    private EventPipeline events;
    private final CatalogSync sync;
    private final AudienceService audiences;

    private Engine(SnapshotHolder snapshots, ServingMetrics metrics, EventLoopGroup publicGroup, EventLoopGroup adminGroup,
                   Channel publicChannel, Channel adminChannel, CatalogSync sync, AudienceService audiences) {
        this.sync = sync;
        this.snapshots = snapshots;
        this.metrics = metrics;
        this.publicGroup = publicGroup;
        this.adminGroup = adminGroup;
        this.publicChannel = publicChannel;
        this.adminChannel = adminChannel;
        this.audiences = audiences;
    }

    /** Loads the configured catalog and starts serving it. */
    public static Engine start(EngineConfig config) throws IOException, InterruptedException {
        Catalog catalog = CatalogJson.read(config.catalogPath());
        return start(config, catalog, System::currentTimeMillis);
    }

    /** Starts serving a given catalog with a given clock (tests pin the clock). */
    public static Engine start(EngineConfig config, Catalog catalog, LongSupplier clock) throws InterruptedException {
        return start(config, catalog, clock, () -> ThreadLocalRandom.current().nextLong(), BudgetGate.UNLIMITED);
    }

    /**
     * Starts serving with every collaborator given: the clock, the source of per-request rotation seeds
     * and the budget gate (tests pin the first two and inject the third).
     */
    public static Engine start(EngineConfig config, Catalog catalog, LongSupplier clock, LongSupplier seeds, BudgetGate budget)
            throws InterruptedException {
        CatalogSync sync = CatalogSync.open(config, catalog, clock);
        if (sync != null) {
            catalog = sync.store().catalog();
        }
        AudienceService audiences;
        try {
            audiences = AudienceService.open(config.audiences(), clock);
        } catch (IOException | AudienceFileException e) {
            if (sync != null) {
                sync.close();
            }
            throw new IllegalStateException("cannot open the audience store " + config.audiences().dir() + ": " + e.getMessage(), e);
        }
        Snapshot snapshot = new SnapshotBuilder(config.auction()).build(catalog);
        SnapshotHolder holder = new SnapshotHolder(snapshot);
        ServingMetrics metrics = new ServingMetrics(holder);
        EventPipeline events = EventsWiring.start(config, holder, clock, metrics);
        AdResponseWriter writer = new AdResponseWriter(new TrackerSigner(config.trackers().hmacKey()),
                config.trackers().baseUrl(), config.trackers().ttlSeconds(), events);
        ServingContext context = new ServingContext(holder, metrics, writer, clock, seeds, config.maxBodyBytes(), config.adminToken(),
                EventsWiring.gate(events, budget), audiences);
        EventsWiring.attach(context, events, config);
        // Per-snapshot caches are filled by the publishing thread before each swap, not by the first request after it.
        if (events != null) {
            holder.beforePublish(events.budgetGate()::prepare);
        }
        if (audiences != null && audiences.targeting() instanceof io.adengine.audience.AudienceTargeting t) {
            holder.beforePublish(t::prepare);
        }
        holder.beforePublish(s -> s.prepareSchedules(clock.getAsLong()));
        if (sync != null) {
            sync.startPublishing(new SnapshotBuilder(config.auction()), holder);
            context.catalogApi = sync.api();
        }
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerSocketChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EventLoopGroup publicGroup = new MultiThreadIoEventLoopGroup(config.ioThreads(), io);
        EventLoopGroup adminGroup = new MultiThreadIoEventLoopGroup(1, io);
        try {
            Channel pub = bind(publicGroup, channelType, new PublicChannelInitializer(context), config.bindAddress(), config.publicPort());
            Channel admin = bind(adminGroup, channelType, new AdminChannelInitializer(context), config.bindAddress(), config.adminPort());
            LOG.info("serving catalog version {} ({} ad groups, {} eligible) on {} (public) and {} (admin), transport {}",
                    snapshot.version(), snapshot.size(), snapshot.eligible().getCardinality(),
                    pub.localAddress(), admin.localAddress(), epoll ? "epoll" : "nio");
            Engine engine = new Engine(holder, metrics, publicGroup, adminGroup, pub, admin, sync, audiences);
            engine.events = events;
            return engine;
        } catch (InterruptedException | RuntimeException e) {
            publicGroup.shutdownGracefully();
            adminGroup.shutdownGracefully();
            if (events != null) {
                events.close();
            }
            if (sync != null) {
                sync.close();
            }
            if (audiences != null) {
                audiences.close();
            }
            throw e;
        }
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

    /** The event pipeline (ledger, reports), or {@code null} when {@code events.journalDir} is not set. */
    public EventPipeline events() {
        return events;
    }

    /** The control-plane sync parts (store, publisher), or {@code null} when catalog.dataDir is not set. */
    public CatalogSync sync() {
        return sync;
    }

    /** Blocks until the public server channel closes. */
    public void awaitClose() throws InterruptedException {
        publicChannel.closeFuture().sync();
    }

    @Override
    public void close() {
        publicChannel.close().syncUninterruptibly();
        adminChannel.close().syncUninterruptibly();
        publicGroup.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        adminGroup.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        if (events != null) {
            events.close();
        }
        if (sync != null) {
            sync.close();
        }
        if (audiences != null) {
            audiences.close();
        }
    }
}
