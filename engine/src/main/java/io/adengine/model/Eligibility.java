package io.adengine.model;

import java.util.List;

/**
 * The static serving rule: whether an ad group may serve at all, whatever the request. An ad group
 * serves only when its account is approved, not an individual's and has money or credit left, its
 * campaign is enabled, it is approved with its delivery switch on, and it has at least one approved
 * creative with an http(s) click URL. Flight dates and dayparting depend on the clock and are checked
 * per request.
 */
public final class Eligibility {

    private Eligibility() {
    }

    /** The first static reason the ad group cannot serve, or {@code null} when it may. */
    public static NotServedReason check(Catalog catalog, AdGroup group) {
        Campaign campaign = catalog.campaign(group.campaignId());
        Account account = campaign == null ? null : catalog.account(campaign.accountId());
        if (account == null || account.type() == AccountType.INDIVIDUAL) {
            return NotServedReason.ACCOUNT_INDIVIDUAL;
        }
        if (account.status() != AccountStatus.APPROVED) {
            return NotServedReason.ACCOUNT_NOT_APPROVED;
        }
        if (account.spendableMicros() <= 0) {
            return NotServedReason.ACCOUNT_NO_FUNDS;
        }
        if (!campaign.enabled()) {
            return NotServedReason.CAMPAIGN_PAUSED;
        }
        if (group.review() != ReviewStatus.APPROVED) {
            return NotServedReason.AD_GROUP_NOT_APPROVED;
        }
        if (!group.deliveryOn()) {
            return NotServedReason.AD_GROUP_SWITCHED_OFF;
        }
        if (servableCreatives(catalog, group).isEmpty()) {
            return NotServedReason.NO_APPROVED_CREATIVE;
        }
        return null;
    }

    /** Approved creatives of the group with an http(s) click URL, in id order. */
    public static List<Creative> servableCreatives(Catalog catalog, AdGroup group) {
        return catalog.creativesOf(group.id()).stream().filter(Eligibility::isServable).toList();
    }

    /** Whether a creative may be shown: approved and with an http(s) click URL. */
    public static boolean isServable(Creative creative) {
        return creative.review() == ReviewStatus.APPROVED && isHttpUrl(creative.clickUrl());
    }

    /** Whether a URL is absolute http or https. */
    public static boolean isHttpUrl(String url) {
        if (url == null) {
            return false;
        }
        return (url.regionMatches(true, 0, "https://", 0, 8) && url.length() > 8)
                || (url.regionMatches(true, 0, "http://", 0, 7) && url.length() > 7);
    }
}
