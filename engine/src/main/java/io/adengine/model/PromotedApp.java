package io.adengine.model;

/** The app an app-download ad group promotes. */
public record PromotedApp(String packageName, AppChannel channel) {
}
