package io.adengine.model;

/** What a campaign promotes: an app download, or a non-download (H5 / website) target. */
public enum PromotionTarget {
    APP_DOWNLOAD, NON_DOWNLOAD
}
