package io.adengine.model;

/** An ad group's bid: the model and the amount per billing unit, in micros of the account's currency. */
public record Bid(BidModel model, long amountMicros) {

    /** The largest bid the engine accepts: 1,000,000 currency units; keeps eCPM arithmetic inside a long. */
    public static final long MAX_MICROS = 1_000_000_000_000L;

    public Bid {
        if (amountMicros <= 0 || amountMicros > MAX_MICROS) {
            throw new IllegalArgumentException("bid.amountMicros must be 1.." + MAX_MICROS + ", was " + amountMicros);
        }
    }
}
