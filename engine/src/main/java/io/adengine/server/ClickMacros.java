package io.adengine.server;

import io.adengine.events.TrackerSigner;

/**
 * The macros a creative's click URL (and deeplink) may hold, substituted when a click is redirected, so that a
 * measurement partner (AppsFlyer, Adjust, Branch style) receives the click id it later posts back with the
 * conversion ({@code GET /v1/events/postback?click_id=…&event=install}):
 *
 * <pre>
 *   {click_id}       the conversion token of this click (URL-safe: base64url, '.'); empty for a click not counted
 *   {impression_id}  32 hex digits
 *   {campaign_id} {ad_group_id} {creative_id} {ad_space_id}   decimal ids
 *   {gaid}           always empty: trackers carry no user key, so no advertising id reaches the partner from here
 * </pre>
 *
 * Every substituted value is made of URL-safe characters, so a URL that was valid stays valid. Unknown
 * {@code {…}} text is left as it is.
 */
final class ClickMacros {

    private ClickMacros() {
    }

    static String expand(String url, String clickId, TrackerSigner.Claims claims) {
        if (url.indexOf('{') < 0) {
            return url;
        }
        return url.replace("{click_id}", clickId)
                .replace("{impression_id}", claims.impressionId())
                .replace("{campaign_id}", Long.toString(claims.campaignId()))
                .replace("{ad_group_id}", Long.toString(claims.adGroupId()))
                .replace("{creative_id}", Long.toString(claims.creativeId()))
                .replace("{ad_space_id}", Long.toString(claims.adSpaceId()))
                .replace("{gaid}", "");
    }
}
