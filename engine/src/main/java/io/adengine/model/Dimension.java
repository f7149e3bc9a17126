package io.adengine.model;

import java.util.Locale;

/**
 * Request-side string dimensions an ad group can include or exclude. Values are normalised once, at
 * the edge, so that the catalog and the request compare equal ("in" and "IN" are the same country).
 */
public enum Dimension {
    COUNTRY("country", true),
    REGION("region", true),
    LANGUAGE("language", false),
    NETWORK("network", false),
    CARRIER("carrier", false),
    DEVICE_MODEL("deviceModel", false);

    private final String jsonName;
    private final boolean upperCase;

    Dimension(String jsonName, boolean upperCase) {
        this.jsonName = jsonName;
        this.upperCase = upperCase;
    }

    /** The key used for this dimension in catalog and request JSON. */
    public String jsonName() {
        return jsonName;
    }

    /** Canonical form of a value: trimmed; upper case for ISO codes, lower case for everything else. */
    public String normalize(String value) {
        if (value == null) {
            return null;
        }
        String trimmed = value.trim();
        if (trimmed.isEmpty()) {
            return null;
        }
        return upperCase ? trimmed.toUpperCase(Locale.ROOT) : trimmed.toLowerCase(Locale.ROOT);
    }
}
