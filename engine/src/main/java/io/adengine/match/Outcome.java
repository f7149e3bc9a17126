package io.adengine.match;

/** How a decision ended; expected outcomes are values, not exceptions. */
public enum Outcome {
    FILLED, NO_FILL, UNKNOWN_AD_SPACE
}
