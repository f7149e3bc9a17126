package io.adengine.model;

/**
 * The video playback events the engine tracks (VAST 4.2 {@code Tracking@event} names): each has a signed
 * tracker of the engine in a VAST answer, and a creative may list third-party URLs for it.
 */
public enum VideoEvent {
    START("start"),
    FIRST_QUARTILE("firstQuartile"),
    MIDPOINT("midpoint"),
    THIRD_QUARTILE("thirdQuartile"),
    COMPLETE("complete"),
    SKIP("skip"),
    CLOSE("close");

    private static final VideoEvent[] VALUES = values();

    private final String vastName;

    VideoEvent(String vastName) {
        this.vastName = vastName;
    }

    /** The VAST {@code event} attribute value, e.g. {@code firstQuartile}. */
    public String vastName() {
        return vastName;
    }

    /** The event of a VAST name, or {@code null}. */
    public static VideoEvent ofVastName(String name) {
        for (VideoEvent e : VALUES) {
            if (e.vastName.equals(name)) {
                return e;
            }
        }
        return null;
    }
}
