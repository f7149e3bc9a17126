package io.adengine.events;

/**
 * Why the journal thread refused to count a tracker event that was otherwise genuine (signed, unexpired, not a
 * repeat). Such an event is journaled with its reason and counted by reason in reports and metrics, but never
 * charged. The code is what the journal record stores.
 */
public enum InvalidReason {
    /** A counted event. */
    NONE(0),
    /** A click whose impression was not counted (not yet, or never). */
    CLICK_WITHOUT_IMPRESSION(1),
    /** A click sooner after its impression than {@code events.minClickDelayMillis}. */
    CLICK_TOO_SOON(2),
    /** A conversion whose click was not counted (nor, for a view-through ad group, its impression). */
    CONVERSION_WITHOUT_CLICK(3),
    /** A conversion later than the ad group's conversion window after its click (or view-through impression). */
    CONVERSION_OUTSIDE_WINDOW(4);

    final int code;

    InvalidReason(int code) {
        this.code = code;
    }

    /** The reason of a journal code, or {@code null} for an unknown one. */
    static InvalidReason ofCode(long code) {
        for (InvalidReason r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        return null;
    }
}
