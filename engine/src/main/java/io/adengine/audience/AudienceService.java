package io.adengine.audience;

import io.adengine.config.EngineConfig;
import io.adengine.match.UserTargeting;
import org.roaringbitmap.RoaringBitmap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The engine's user side: opens the audience store at start (so a restart serves the same dictionary and
 * audiences without re-import), publishes {@link UserData}, swaps in uploaded audiences, and recomputes
 * install state when the UTC day changes (checked every minute on a daemon thread).
 */
public final class AudienceService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AudienceService.class);
    private static final long DAY_MILLIS = 86_400_000L;

    private final EngineConfig.AudienceConfig config;
    private final AudienceStore store;
    private final UserDataHolder holder;
    private final AudienceTargeting targeting;
    private final ObservedTraffic traffic;
    private final LongSupplier clock;
    private final ScheduledExecutorService days;

    private AudienceService(EngineConfig.AudienceConfig config, AudienceStore store, UserDataHolder holder, LongSupplier clock) {
        this.config = config;
        this.store = store;
        this.holder = holder;
        this.clock = clock;
        this.traffic = new ObservedTraffic(Math.max(config.maxUsers(), store.dictionary().size()), clock.getAsLong());
        this.targeting = new AudienceTargeting(holder, traffic);
        this.days = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "audience-day");
            t.setDaemon(true);
            return t;
        });
        days.scheduleWithFixedDelay(this::recomputeIfNewDay, 1, 1, TimeUnit.MINUTES);
    }

    /** Opens the configured store ({@code audiences.dir} must be set). */
    public static AudienceService open(EngineConfig.AudienceConfig config, LongSupplier clock) throws IOException, AudienceFileException {
        if (config.dir() == null) {
            throw new IllegalArgumentException("audiences.dir is not set");
        }
        AudienceStore store = AudienceStore.open(config.dir(), config.maxUsers());
        try {
            // Lookups read the in-memory mirror; unmapping the Chronicle file keeps its pages (all read
            // once to fill the mirror) out of the resident set until an import writes to it. Before the
            // profile feed is read, so that they are not resident while the heap fills.
            store.dictionary().releaseFile();
            UserData data = store.load(day(clock.getAsLong()));
            store.dictionary().releaseFile();
            LOG.info("user data: {} users ({} bytes of dictionary mirror), {} audiences, {} apps with install state, {} bytes of bitmaps",
                    store.dictionary().size(), store.dictionary().mirrorSizeInBytes(), data.audiences().size(),
                    data.histories().size(), data.sizeInBytes());
            return new AudienceService(config, store, new UserDataHolder(data), clock);
        } catch (IOException | AudienceFileException | RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static int day(long millis) {
        return (int) Math.floorDiv(millis, DAY_MILLIS);
    }

    public AudienceTargeting targeting() {
        return targeting;
    }

    public UserData current() {
        return holder.current();
    }

    public EngineConfig.AudienceConfig config() {
        return config;
    }

    /** The requests observed for reach estimates. */
    public ObservedTraffic traffic() {
        return traffic;
    }

    /** The reach estimate of a spec, from observed traffic once there is enough of it (see {@link Reach}). */
    public Reach.Estimate reach(Reach.Spec spec, java.util.Set<Long> adSpaces) {
        return Reach.estimate(holder.current(), spec, adSpaces, traffic.window(clock.getAsLong()),
                new Reach.Priors(config.dailyActivePercent(), config.requestsPerActiveUserPerDay(), config.reachMinObservedUsers()));
    }

    /** Turns a parsed upload into a bitmap, persists it and swaps it in; returns the bitmap. */
    public synchronized RoaringBitmap importAudience(long audienceId, AudienceUpload.Parsed parsed) throws IOException {
        RoaringBitmap users;
        try {
            users = store.toBitmap(parsed);
        } finally {
            store.dictionary().releaseFile();
        }
        store.save(audienceId, users);
        holder.update(d -> d.withAudience(audienceId, users));
        return users;
    }

    /** Recomputes install state and starts a new day of observed traffic when the clock has entered a new UTC day. */
    public void recomputeIfNewDay() {
        try {
            traffic.rollOver(clock.getAsLong());
            int today = day(clock.getAsLong());
            if (holder.current().epochDay() != today) {
                holder.update(d -> d.epochDay() == today ? d : d.onDay(today));
            }
        } catch (RuntimeException e) {
            // Keep serving yesterday's install state rather than stop the daily task.
            LOG.error("install state recompute failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        days.shutdownNow();
        store.close();
    }
}
