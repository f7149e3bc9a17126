package io.adengine.match;

/** The filter stages of a decision, in the order explain applies them and counts what each removed. */
public enum FilterStage {
    STATIC_ELIGIBILITY,
    AD_SPACE,
    BLOCKED,
    COUNTRY,
    REGION,
    LANGUAGE,
    NETWORK,
    CARRIER,
    DEVICE_MODEL,
    OS_VERSION,
    USER,
    SCHEDULE,
    BELOW_FLOOR,
    BUDGET,
    FREQUENCY_CAP
}
