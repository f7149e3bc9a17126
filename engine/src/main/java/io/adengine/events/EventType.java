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
    CHECKPOINT(6),
    /** A video's playback events (VAST tracking events of the engine's own trackers); counted, never charged. */
    VIDEO_START(7),
    VIDEO_FIRST_QUARTILE(8),
    VIDEO_MIDPOINT(9),
    VIDEO_THIRD_QUARTILE(10),
    /** The video played to its end: what a publisher rewards on (acknowledged only once journaled, like an impression). */
    VIDEO_COMPLETE(11),
    VIDEO_SKIP(12),
    VIDEO_CLOSE(13);

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
        return this == IMPRESSION || this == CLICK || this == CONVERSION || isVideo();
    }

    /** Whether this is a video playback event. */
    public boolean isVideo() {
        return code >= VIDEO_START.code && code <= VIDEO_CLOSE.code;
    }

    /** The event type of a VAST playback event. */
    public static EventType of(io.adengine.model.VideoEvent e) {
        return switch (e) {
            case START -> VIDEO_START;
            case FIRST_QUARTILE -> VIDEO_FIRST_QUARTILE;
            case MIDPOINT -> VIDEO_MIDPOINT;
            case THIRD_QUARTILE -> VIDEO_THIRD_QUARTILE;
            case COMPLETE -> VIDEO_COMPLETE;
            case SKIP -> VIDEO_SKIP;
            case CLOSE -> VIDEO_CLOSE;
        };
    }
}
