package io.adengine.audience;

import io.adengine.index.Segment;
import io.adengine.index.SegmentCache;
import io.adengine.index.Snapshot;
import io.adengine.match.AdRequest;
import io.adengine.match.UserTargeting;
import io.adengine.model.AdGroup;
import io.adengine.model.Gender;
import io.adengine.model.InstallStateTarget;
import io.adengine.model.Targeting;
import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * The user-side filter over published {@link UserData}. The request's GAID is hashed and looked up once;
 * the user rules are then checked per candidate that survived the request-side bitmaps (candidates are
 * few, while many groups carry user rules). Rules are compiled per (segment, user data) pair into flat
 * per-ordinal arrays and cached behind a volatile reference, so the check touches no maps and allocates
 * nothing. A snapshot's base and delta segments have a cache slot each, so a new delta (every catalog
 * change) recompiles only the delta's few rules.
 */
public final class AudienceTargeting implements UserTargeting {

    private static final RoaringBitmap[] NONE = new RoaringBitmap[0];
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final UserDataHolder data;
    private final ObservedTraffic traffic;
    // Compiled per (segment, published user data): a new delta recompiles only the delta's few rules.
    private final SegmentCache<Rules> rules = new SegmentCache<>((segment, data) -> new Rules(segment, (UserData) data));

    /** A filter over published user data that observes no traffic (tools, benchmarks). */
    public AudienceTargeting(UserDataHolder data) {
        this(data, null);
    }

    /** A filter that also counts every resolved request into {@code traffic} ({@code null}: none) for reach. */
    public AudienceTargeting(UserDataHolder data, ObservedTraffic traffic) {
        this.data = data;
        this.traffic = traffic;
    }

    /** One thread's hashing state and removal list. */
    private static final class Scratch {
        final GaidKey gaids = new GaidKey();
        final byte[] key = new byte[16];
        int[] rejected = new int[64];
    }

    /**
     * Trim, lower-case, MD5 into a per-thread buffer, then the dictionary's in-memory mirror: no lock and no
     * allocation. The request is counted for reach estimates on the way.
     */
    @Override
    public int userOf(AdRequest request) {
        int user = resolve(request.gaid());
        ObservedTraffic t = traffic;
        if (t != null) {
            t.record(request.adSpaceId(), user, request.nowMillis());
        }
        return user;
    }

    private int resolve(String gaid) {
        if (gaid == null) {
            return UNKNOWN_USER;
        }
        Scratch s = SCRATCH.get();
        if (!s.gaids.ofGaid(gaid, s.key)) {
            return UNKNOWN_USER;
        }
        UserDictionary users = data.current().dictionary();
        int id = users.idOf(s.key);
        if (id == UserDictionary.UNKNOWN && s.gaids.ofGaidUpperCase(gaid, s.key)) {
            // A user first named by an upper-case MD5 upload is known by that key only: a second hash, paid
            // only by requests whose lower-case key the dictionary does not hold.
            id = users.idOf(s.key);
        }
        return id == UserDictionary.UNKNOWN ? UNKNOWN_USER : id;
    }

    @Override
    public void retainAccepting(Snapshot snapshot, int user, RoaringBitmap candidates) {
        if (user < 0) {
            candidates.and(snapshot.acceptingUnknownUser());
            return;
        }
        Scratch s = SCRATCH.get();
        int n = 0;
        PeekableIntIterator it = candidates.getIntIterator();
        while (it.hasNext()) {
            int o = it.next();
            if (!accepts(snapshot, user, o)) {
                if (n == s.rejected.length) {
                    s.rejected = java.util.Arrays.copyOf(s.rejected, n * 2);
                }
                s.rejected[n++] = o;
            }
        }
        for (int i = 0; i < n; i++) {
            candidates.remove(s.rejected[i]);
        }
    }

    @Override
    public boolean accepts(Snapshot snapshot, int user, int ordinal) {
        if (user < 0) {
            return snapshot.acceptsUnknownUser(ordinal);
        }
        int i = snapshot.segmentOf(ordinal);
        int local = ordinal - snapshot.offset(i);
        Rules r = rules.get(snapshot.segment(i), i, data.current());
        return !r.restricted[local] || r.accepts(local, user);
    }

    /** Compiles the rules of a snapshot's segments now, so the first request after a swap does not. */
    public void prepare(Snapshot snapshot) {
        rules.prepare(snapshot, data.current());
    }

    /** The user rules of every ordinal of one segment, resolved against one user data version. */
    private static final class Rules {
        final Demographics demographics;
        final boolean[] restricted;
        final int[] genderMask;
        final int[] ageMin;
        final int[] ageMax;
        final RoaringBitmap[][] include;
        final RoaringBitmap[][] exclude;
        final InstallStateTarget[] installTarget;
        final AppInstalls[] installs;

        Rules(Segment segment, UserData data) {
            this.demographics = data.demographics();
            int n = segment.size();
            restricted = new boolean[n];
            genderMask = new int[n];
            ageMin = new int[n];
            ageMax = new int[n];
            include = new RoaringBitmap[n][];
            exclude = new RoaringBitmap[n][];
            installTarget = new InstallStateTarget[n];
            installs = new AppInstalls[n];
            for (int o = 0; o < n; o++) {
                AdGroup g = segment.group(o);
                Targeting t = g.targeting();
                for (Gender gender : t.genders()) {
                    genderMask[o] |= 1 << gender.ordinal();
                }
                ageMin[o] = t.age().isAny() ? -1 : t.age().min();
                ageMax[o] = t.age().max();
                include[o] = t.includeAudiences().isEmpty() ? null : bitmaps(t.includeAudiences(), data);
                exclude[o] = bitmaps(t.excludeAudiences(), data);
                boolean install = g.app() != null && g.installState() != null && g.installState() != InstallStateTarget.ALL_USERS;
                installTarget[o] = install ? g.installState() : null;
                installs[o] = install ? data.installs(g.app().packageName()) : null;
                restricted[o] = genderMask[o] != 0 || ageMin[o] >= 0 || include[o] != null || exclude[o].length > 0 || install;
            }
        }

        private static RoaringBitmap[] bitmaps(java.util.Set<Long> ids, UserData data) {
            if (ids.isEmpty()) {
                return NONE;
            }
            // An audience that was never uploaded has nobody in it.
            return ids.stream().map(data::audience).map(b -> b == null ? new RoaringBitmap() : b).toArray(RoaringBitmap[]::new);
        }

        boolean accepts(int o, int user) {
            if (genderMask[o] != 0) {
                int g = demographics.gender(user);
                if (g == Demographics.UNKNOWN || (genderMask[o] & (1 << g)) == 0) {
                    return false;
                }
            }
            if (ageMin[o] >= 0) {
                int age = demographics.age(user);
                if (age == Demographics.UNKNOWN || age < ageMin[o] || age > ageMax[o]) {
                    return false;
                }
            }
            RoaringBitmap[] in = include[o];
            if (in != null) {
                boolean any = false;
                for (RoaringBitmap b : in) {
                    if (b.contains(user)) {
                        any = true;
                        break;
                    }
                }
                if (!any) {
                    return false;
                }
            }
            for (RoaringBitmap b : exclude[o]) {
                if (b.contains(user)) {
                    return false;
                }
            }
            return installTarget[o] == null || installs[o].accepts(installTarget[o], user);
        }
    }
}
