package io.adengine.catalog;

/** One thing wrong with a submitted object: the field path and what a person should change. */
public record Problem(String field, String message) {

    /** The same problem with its field under a prefix ({@code changes[2].} + field). */
    public Problem under(String prefix) {
        return new Problem(prefix + field, message);
    }
}
