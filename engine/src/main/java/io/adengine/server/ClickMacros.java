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
 *   {gaid}           the request's advertising id, canonical lower-case 8-4-4-4-12; empty when the request's privacy
 *                    signals forbid user data (match.Privacy#allowsUserData: COPPA, child-directed ad space, LMT, GDPR
 *                    without consent, US Privacy opt-out, unread GPP sections) or it had no valid GAID
 * </pre>
 *
 * The GAID travels from the ad request to here sealed in the click token (AES-GCM under a key derived from the
 * tracker key, {@code events.TrackerSigner}), only for an ad whose creative's click URL or deeplink holds
 * {@code {gaid}}: the answer's click tracker never shows it, and it is neither stored nor logged. The click id (the
 * conversion token) never carries it.
 *
 * Every substituted value is made of URL-safe characters, so a URL that was valid stays valid. Unknown
 * {@code {…}} text is left as it is.
 */
final class ClickMacros {

    private ClickMacros() {
    }

    /** Expands the macros of {@code url}; {@code gaid} is the canonical GAID the click token carried, or {@code ""}. */
    static String expand(String url, String clickId, TrackerSigner.Claims claims, String gaid) {
        if (url.indexOf('{') < 0) {
            return url;
        }
        return url.replace("{click_id}", clickId)
                .replace("{impression_id}", claims.impressionId())
                .replace("{campaign_id}", Long.toString(claims.campaignId()))
                .replace("{ad_group_id}", Long.toString(claims.adGroupId()))
                .replace("{creative_id}", Long.toString(claims.creativeId()))
                .replace("{ad_space_id}", Long.toString(claims.adSpaceId()))
                .replace("{gaid}", gaid);
    }
}
