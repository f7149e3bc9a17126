package io.adengine.model;

/** Placement types an ad group can run on and an ad space belongs to (seed 001 §3.1.2). */
public enum PlacementType {
    BANNER, INTERSTITIAL, REWARDED_VIDEO, PUSH, ICON, FEED, SMS, WALLPAPER_CAROUSEL
}
