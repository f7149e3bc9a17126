package io.adengine.model;

/** Where a promoted app is downloaded from. */
public enum AppChannel {
    GETAPPS, GOOGLE_PLAY
}
