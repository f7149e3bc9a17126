package io.adengine.bench.workload;

import java.util.SplittableRandom;

/**
 * The users of a workload, by index 0..users-1, without storing them: every attribute is a pure function
 * of (seed, index). This is the hook for the audience, profile and install generators (issue 3): they
 * must derive a user's GAID with {@link #gaid(long)} and its country with {@link #country(long)}, so their
 * files describe exactly the users the request stream sends.
 *
 * <p>GAIDs of unknown users ({@link #unknownGaid(long)}) come from a separate name space and never equal
 * a known user's GAID.
 */
public final class UserPopulation {

    private static final Zipf COUNTRY_ZIPF = new Zipf(Geography.COUNTRIES.size(), 1.0);
    private static final Zipf MODEL_ZIPF = new Zipf(Geography.DEVICE_MODELS.size(), 0.8);
    private static final Zipf OS_ZIPF = new Zipf(Geography.OS_VERSIONS.size(), 1.0);
    private static final long KNOWN = 0x6b6e6f776eL;
    private static final long UNKNOWN = 0x756e6b6eL;

    private final long seed;
    private final long users;

    public UserPopulation(long seed, long users) {
        this.seed = seed;
        this.users = users;
    }

    public long size() {
        return users;
    }

    /** The GAID of known user {@code index}: a lower-case, UUID-shaped string. */
    public String gaid(long index) {
        return uuid(Seeds.mix(seed ^ KNOWN, index));
    }

    /** A GAID no user of this population has ({@code index} is any number). */
    public String unknownGaid(long index) {
        // Version nibble 'b' instead of '4' keeps the two name spaces disjoint.
        String g = uuid(Seeds.mix(seed ^ UNKNOWN, index));
        return g.substring(0, 14) + "b" + g.substring(15);
    }

    /** The user's country (an index into {@link Geography#COUNTRIES}), stable per user. */
    public int country(long index) {
        return COUNTRY_ZIPF.nextInt(random(index, 1));
    }

    /** The user's device model, stable per user. */
    public String deviceModel(long index) {
        return Geography.DEVICE_MODELS.get(MODEL_ZIPF.nextInt(random(index, 2)));
    }

    /** The user's OS version, stable per user. */
    public String osVersion(long index) {
        return Geography.OS_VERSIONS.get(OS_ZIPF.nextInt(random(index, 3)));
    }

    /** A per-user generator for further stable attributes; {@code stream} separates attributes. */
    public SplittableRandom random(long index, int stream) {
        return new SplittableRandom(Seeds.mix(seed + stream, index));
    }

    private static String uuid(long bits) {
        long low = Seeds.mix(bits, 0x5eedL);
        String hex = String.format("%016x%016x", bits, low);
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-4" + hex.substring(13, 16) + "-"
                + "8" + hex.substring(17, 20) + "-" + hex.substring(20, 32);
    }
}
