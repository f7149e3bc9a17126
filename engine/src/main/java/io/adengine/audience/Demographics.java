package io.adengine.audience;

import io.adengine.model.Gender;

import java.util.Arrays;

/**
 * Gender and age per user id, one byte each ({@link #UNKNOWN} when the feed did not say, or the user is
 * newer than this table). Immutable after construction; the arrays are never handed out.
 */
public final class Demographics {

    /** Byte value of an unknown gender or age. */
    public static final int UNKNOWN = 0xFF;
    public static final Demographics NONE = new Demographics(new byte[0], new byte[0]);

    private final byte[] genders;
    private final byte[] ages;

    /** Takes ownership of the arrays: gender codes ({@link Gender#ordinal()} or UNKNOWN) and ages 0..200 or UNKNOWN. */
    public Demographics(byte[] genders, byte[] ages) {
        this.genders = genders;
        this.ages = ages;
    }

    /** Gender ordinal of a user, or {@link #UNKNOWN}. */
    public int gender(int user) {
        return user >= 0 && user < genders.length ? genders[user] & 0xFF : UNKNOWN;
    }

    /** Age of a user in years, or {@link #UNKNOWN}. */
    public int age(int user) {
        return user >= 0 && user < ages.length ? ages[user] & 0xFF : UNKNOWN;
    }

    /**
     * A copy sized for {@code size} users (at least this table's size) with {@code count} users' entries
     * replaced: user {@code users[i]} gets gender {@code genders[i]} and age {@code ages[i]} (later entries
     * of a user win). This table is not changed.
     */
    public Demographics with(int[] users, byte[] genders, byte[] ages, int count, int size) {
        int n = Math.max(size, this.genders.length);
        byte[] g = Arrays.copyOf(this.genders, n);
        byte[] a = Arrays.copyOf(this.ages, n);
        Arrays.fill(g, this.genders.length, n, (byte) UNKNOWN);
        Arrays.fill(a, this.ages.length, n, (byte) UNKNOWN);
        for (int i = 0; i < count; i++) {
            g[users[i]] = genders[i];
            a[users[i]] = ages[i];
        }
        return new Demographics(g, a);
    }

    public int size() {
        return genders.length;
    }

    public long sizeInBytes() {
        return (long) genders.length + ages.length;
    }
}
