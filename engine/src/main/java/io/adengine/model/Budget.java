package io.adengine.model;

/**
 * An ad group's budgets in micros of the account's currency. The day is the ad group's own time zone's
 * day. A budget of {@code 0} means "no limit" on that side.
 */
public record Budget(long totalMicros, long dailyMicros) {

    public static final Budget UNLIMITED = new Budget(0, 0);

    public Budget {
        if (totalMicros < 0 || dailyMicros < 0) {
            throw new IllegalArgumentException("budget amounts must not be negative");
        }
    }
}
