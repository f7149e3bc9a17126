package io.adengine.audience;

import io.adengine.model.Gender;

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

    public int size() {
        return genders.length;
    }

    public long sizeInBytes() {
        return (long) genders.length + ages.length;
    }
}
