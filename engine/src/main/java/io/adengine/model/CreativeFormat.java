package io.adengine.model;

/** Creative formats of seed 001 §3.1.3. Each ad space lists the formats it accepts. */
public enum CreativeFormat {
    INTERSTITIAL_IMAGE,
    INTERSTITIAL_VIDEO,
    REWARDED_VIDEO,
    LARGE_IMAGE,
    CUSTOM_BACKGROUND,
    ICON_SMALL_CARD,
    NEWSFEED_VIDEO,
    LARGE_NEWSFEED_IMAGE,
    OTA_APP_RECOMMENDATION,
    STARTUP_GUIDE_DOWNLOAD,
    OTA_PRE_INSTALL,
    BANNER,
    PUSH,
    SMS,
    RICH_MEDIA,
    WALLPAPER_CAROUSEL
}
