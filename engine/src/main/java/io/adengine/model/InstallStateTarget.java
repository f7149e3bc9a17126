package io.adengine.model;

/** Which users an app-download ad group wants, by their install state of the promoted app (seed 001 §3.1.2). */
public enum InstallStateTarget {
    ALL_USERS,
    NOT_CURRENTLY_INSTALLED,
    NOT_INSTALLED_WITHIN_90_DAYS,
    NEVER_INSTALLED,
    ALREADY_INSTALLED;

    /** An unknown user has installed nothing, so only {@link #ALREADY_INSTALLED} excludes them. */
    public boolean acceptsUserWithNoInstalls() {
        return this != ALREADY_INSTALLED;
    }
}
