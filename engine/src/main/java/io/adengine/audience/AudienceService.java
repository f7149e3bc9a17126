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

    /**
     * What a profile upload did: its lines and records, the records applied by kind, the distinct users they
     * named (known to the dictionary before, or new: given ids now), the refused lines, and whether the
     * whole feed had to be re-read (see {@link #importProfiles}).
     */
    public record ProfileImport(long lines, long applied, long profiles, long installs, long uninstalls,
                                long users, long known, long created, long refused, java.util.List<String> firstRefused,
                                boolean reread) {
    }

    /**
     * Applies a parsed profile upload while serving: users new to the dictionary get ids (the dictionary's
     * writer path; raw GAIDs are hashed, the upper-case alias indexed), the upload is written to the store
     * ({@link AudienceStore#saveProfileUpload}, so a restart applies it again), and a new {@link UserData}
     * with the new demographics and the touched apps' install histories and state is published with one
     * volatile write. Install events merge into the compacted histories
     * ({@link InstallHistory#withEvents}); where a back-dated event cannot be ordered against a compacted
     * summary, the whole feed (profiles.csv and every upload, this one included) is re-read instead, as a
     * restart would. Nothing is published unless the upload was written; the upload file is removed again
     * when the re-read fails.
     */
    public synchronized ProfileImport importProfiles(ProfileUpload.Parsed parsed) throws IOException {
        UserDictionary users = store.dictionary();
        int before = users.size();
        int n = parsed.records();
        RoaringBitmap named = new RoaringBitmap();
        ProfileFeed.Line line = new ProfileFeed.Line();
        int[] profileUsers = new int[n];
        byte[] genders = new byte[n];
        byte[] ages = new byte[n];
        int nProfiles = 0;
        long installs = 0;
        java.util.Map<String, long[]> events = new java.util.HashMap<>();
        java.util.Map<String, Integer> eventCounts = new java.util.HashMap<>();
        try {
            for (int i = 0; i < n; i++) {
                parsed.line(i, line);
                int id = line.raw ? users.idOrAssignRaw(line.lower, line.upper) : users.idOrAssign(line.lower);
                named.add(id);
                if (line.kind == ProfileFeed.PROFILE) {
                    profileUsers[nProfiles] = id;
                    genders[nProfiles] = (byte) line.gender;
                    ages[nProfiles] = (byte) line.age;
                    nProfiles++;
                } else {
                    boolean install = line.kind == ProfileFeed.INSTALL;
                    installs += install ? 1 : 0;
                    long[] a = events.computeIfAbsent(line.app, k -> new long[16]);
                    int c = eventCounts.getOrDefault(line.app, 0);
                    if (c == a.length) {
                        a = java.util.Arrays.copyOf(a, c * 2);
                        events.put(line.app, a);
                    }
                    a[c] = InstallHistory.packEvent(id, line.day, install);
                    eventCounts.put(line.app, c + 1);
                }
            }
        } finally {
            users.releaseFile();
        }
        long created = before >= users.size() ? 0 : named.rangeCardinality(before, users.size());
        int profiles = nProfiles;
        int size = users.size();
        boolean[] reread = new boolean[1];
        try {
            holder.update(d -> {
                java.util.Map<String, InstallHistory> changed = new java.util.HashMap<>();
                boolean exact = true;
                for (var e : events.entrySet()) {
                    int c = eventCounts.get(e.getKey());
                    InstallHistory h = d.histories().get(e.getKey());
                    InstallHistory next = h == null
                            ? InstallHistory.ofPacked(java.util.Arrays.copyOf(e.getValue(), c), c).from(d.epochDay() - 1)
                            : h.withEvents(e.getValue(), c);
                    if (next == null) {
                        exact = false;
                        break;
                    }
                    changed.put(e.getKey(), next);
                }
                java.nio.file.Path written;
                try {
                    written = store.saveProfileUpload(parsed);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                if (exact) {
                    return d.withProfiles(d.demographics().with(profileUsers, genders, ages, profiles, size), changed);
                }
                reread[0] = true;
                try {
                    ProfileFeed.Contents all = store.readProfiles(d.epochDay());
                    return d.withAllProfiles(all.demographics(), all.apps());
                } catch (IOException | AudienceFileException | RuntimeException e) {
                    try {
                        java.nio.file.Files.deleteIfExists(written);
                    } catch (IOException gone) {
                        e.addSuppressed(gone);
                    }
                    throw new IllegalStateException("the profile feed could not be re-read: " + e.getMessage(), e);
                } finally {
                    users.releaseFile();
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        LOG.info("profile upload applied: {} records ({} profiles, {} installs, {} uninstalls) for {} users ({} new), {} lines refused{}",
                n, profiles, installs, n - profiles - installs, named.getLongCardinality(), created, parsed.refused(),
                reread[0] ? ", whole feed re-read" : "");
        return new ProfileImport(parsed.lines(), n, profiles, installs, n - profiles - installs, named.getLongCardinality(),
                named.getLongCardinality() - created, created, parsed.refused(), parsed.firstRefused(), reread[0]);
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
