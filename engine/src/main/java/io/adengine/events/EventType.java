package io.adengine.events;

/** What happened. The code is what the journal stores; never renumber. */
public enum EventType {
    /** An ad was put in an answer (published by the serving thread, after the decision). */
    SERVED(1),
    /** The impression tracker fired. */
    IMPRESSION(2),
    /** The click tracker fired. */
    CLICK(3),
    /** A conversion postback arrived. */
    CONVERSION(4),
    /** A clock tick for reservation expiry and pacing; never journaled. */
    TICK(5),
    /** Take a checkpoint of the ledger and rollups at this point of the ring ({@link Checkpoint}); never journaled. */
    CHECKPOINT(6);

    final byte code;

    EventType(int code) {
        this.code = (byte) code;
    }

    /** The type of a journal code, or {@code null} for an unknown one. */
    static EventType ofCode(int code) {
        for (EventType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    /** Whether the same token may count only once (trackers). */
    boolean deduplicated() {
        return this == IMPRESSION || this == CLICK || this == CONVERSION;
    }
}
