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
    private final java.util.Map<Long, long[]> matches = new java.util.concurrent.ConcurrentHashMap<>();

    private AudienceService(EngineConfig.AudienceConfig config, AudienceStore store, UserDataHolder holder, LongSupplier clock) {
        this.config = config;
        this.store = store;
        this.holder = holder;
        this.clock = clock;
        this.traffic = new ObservedTraffic(Math.max(config.maxUsers(), store.dictionary().size()), clock.getAsLong());
        this.targeting = new AudienceTargeting(holder, traffic);
        try {
            matches.putAll(store.readMatches());
        } catch (IOException e) {
            LOG.warn("audience match counts could not be read: {}", e.toString());
        }
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

    /**
     * Turns a parsed upload into a bitmap, persists it with its match counts and swaps it in; returns the
     * bitmap and the counts.
     */
    public synchronized AudienceStore.Imported importAudience(long audienceId, AudienceUpload.Parsed parsed) throws IOException {
        AudienceStore.Imported imported;
        try {
            imported = store.importKeys(parsed);
        } finally {
            store.dictionary().releaseFile();
        }
        RoaringBitmap users = imported.users();
        store.save(audienceId, users);
        store.saveMatch(audienceId, imported.matched(), imported.created());
        matches.put(audienceId, new long[]{imported.matched(), imported.created()});
        holder.update(d -> d.withAudience(audienceId, users));
        return imported;
    }

    /** One audience as the listing shows it; {@code matched} and {@code created} are -1 when no counts were kept. */
    public record Listed(long id, long users, long matched, long created) {
    }

    /** Every audience served, by id, with its size and last upload's match counts. */
    public java.util.List<Listed> list() {
        java.util.List<Listed> out = new java.util.ArrayList<>();
        holder.current().audiences().forEach((id, users) -> {
            long[] m = matches.get(id);
            out.add(new Listed(id, users.getLongCardinality(), m == null ? -1 : m[0], m == null ? -1 : m[1]));
        });
        out.sort(java.util.Comparator.comparingLong(Listed::id));
        return out;
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
