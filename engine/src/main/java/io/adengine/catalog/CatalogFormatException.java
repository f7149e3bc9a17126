package io.adengine.catalog;

/** A catalog document that does not follow the format; the message names the offending field path. */
public final class CatalogFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String field;

    public CatalogFormatException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** Path of the offending field, e.g. {@code adGroups[3].bid.amountMicros}. */
    public String field() {
        return field;
    }
}
