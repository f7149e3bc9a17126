package io.adengine.match;

import io.adengine.model.NotServedReason;

/** The filter stages of a decision, in the order they run; explain counts what each removed. */
public enum FilterStage {
    STATIC_ELIGIBILITY(null),
    AD_SPACE(null),
    COUNTRY(NotServedReason.COUNTRY),
    REGION(NotServedReason.REGION),
    LANGUAGE(NotServedReason.LANGUAGE),
    NETWORK(NotServedReason.NETWORK),
    CARRIER(NotServedReason.CARRIER),
    DEVICE_MODEL(NotServedReason.DEVICE_MODEL),
    OS_VERSION(NotServedReason.OS_VERSION),
    USER(NotServedReason.USER),
    SCHEDULE(NotServedReason.SCHEDULE),
    BELOW_FLOOR(NotServedReason.BELOW_FLOOR),
    BUDGET(NotServedReason.BUDGET);

    private final NotServedReason reason;

    FilterStage(NotServedReason reason) {
        this.reason = reason;
    }

    /** The matching reason, for the stages that map to exactly one. */
    public NotServedReason reason() {
        return reason;
    }
}
