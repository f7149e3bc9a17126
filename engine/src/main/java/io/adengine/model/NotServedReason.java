package io.adengine.model;

/**
 * Why an ad group did not serve, in the order the engine checks. The first one that applies is the
 * answer to "why didn't my ad group serve?" (explain).
 */
public enum NotServedReason {
    UNKNOWN_AD_GROUP("no ad group with this id in the catalog"),
    ACCOUNT_INDIVIDUAL("the account is an individual's; individuals cannot advertise"),
    ACCOUNT_NOT_APPROVED("the account is not approved"),
    ACCOUNT_NO_FUNDS("the account has no balance or credit left"),
    CAMPAIGN_PAUSED("the campaign is paused"),
    AD_GROUP_NOT_APPROVED("the ad group is not approved"),
    AD_GROUP_SWITCHED_OFF("the ad group's delivery switch is off"),
    NO_APPROVED_CREATIVE("the ad group has no approved creative with an http(s) click URL"),
    PLACEMENT("the ad group does not run on this ad space's placement type"),
    AD_SPACE("the ad group is pinned to other ad spaces"),
    PUBLISHER("the ad group is pinned to other publishers"),
    FORMAT("no approved creative of the ad group is in a format this ad space accepts"),
    BLOCKED("the ad space blocks the ad group's advertiser domain or promoted app, or the content categories of every creative that fits it"),
    COUNTRY("country targeting"),
    REGION("region targeting"),
    LANGUAGE("language targeting"),
    NETWORK("network targeting"),
    CARRIER("carrier targeting"),
    DEVICE_MODEL("device model targeting"),
    OS_VERSION("OS version targeting"),
    PRIVACY("the request's privacy signals (COPPA, a child-directed ad space, limited ad tracking, GDPR consent, US Privacy, GPP) allow contextual targeting only, and the ad group targets users"),
    USER("user targeting (audiences, gender, age or install state)"),
    SCHEDULE("outside its flight dates or dayparting hours"),
    BUDGET("its budget, pacing or the account's money does not allow another charge"),
    FREQUENCY_CAP("a frequency cap of the ad group or its campaign: this user has had the most impressions or clicks the cap allows in its window, or the request has no usable user id and the group does not allow unknown users (capUnknownUsers)"),
    BELOW_FLOOR("its eCPM is below the ad space's floor"),
    SAME_CAMPAIGN("another ad group of its campaign ranked higher in this response"),
    SAME_ADVERTISER("an ad of the same advertiser domain ranked higher in this response (competitive exclusion)"),
    OUTRANKED("other ad groups ranked higher");

    private final String description;

    NotServedReason(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
