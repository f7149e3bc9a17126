package io.adengine.model;

/** An inclusive age range in years; {@link #ANY} accepts users whose age is unknown. */
public record AgeRange(int min, int max) {

    public static final AgeRange ANY = new AgeRange(0, 200);

    public AgeRange {
        if (min < 0 || max > 200 || min > max) {
            throw new IllegalArgumentException("age range must satisfy 0 <= min <= max <= 200");
        }
    }

    public boolean isAny() {
        return equals(ANY);
    }
}
