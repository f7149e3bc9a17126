package io.adengine.match;

import com.iabtcf.decoder.TCString;
import io.adengine.model.AdSpace;

/**
 * Whether a request's privacy signals allow user data: audiences, demographics, install state,
 * frequency counts and the user dictionary itself. When they do not, the decision resolves no user
 * (the GAID is not even looked up, nothing is recorded for reach) and only ad groups without user-side
 * rules may serve: contextual targeting. User data is refused when
 * <ol>
 *   <li>{@code regs.coppa} is set, or the ad space is child-directed;</li>
 *   <li>{@code device.lmt} is set (limited ad tracking);</li>
 *   <li>{@code regs.gdpr} is 1 and {@code user.consent} is not a TCF v2 string that gives consent to
 *       purposes 1 (store and access information on a device), 3 (create a personalised ads profile) and
 *       4 (select personalised ads);</li>
 *   <li>{@code regs.usPrivacy} says the user opted out of sale (its third character is {@code Y}) or is not
 *       a valid US Privacy string;</li>
 *   <li>{@code regs.gpp} is present with a section this engine does not read: only sections 2 (TCF EU v2,
 *       read from {@code user.consent}) and 6 (US Privacy, read from {@code regs.usPrivacy}) are.</li>
 * </ol>
 * The TCF string is decoded with the IAB Tech Lab's decoder; a thread remembers its last string's answer,
 * since one user's requests repeat it.
 */
public final class Privacy {

    /** TCF purposes personalised advertising needs consent to. */
    static final int[] PURPOSES = {1, 3, 4};
    private static final ThreadLocal<LastConsent> LAST = ThreadLocal.withInitial(LastConsent::new);

    private Privacy() {
    }

    private static final class LastConsent {
        String consent;
        boolean allows;
    }

    /** Whether this request on this ad space may use the user's data. */
    public static boolean allowsUserData(AdRequest r, AdSpace space) {
        if (r.coppa() || space.childDirected() || r.limitAdTracking()) {
            return false;
        }
        if (r.gdpr() == 1 && !consentAllowsPersonalisedAds(r.consent())) {
            return false;
        }
        if (r.usPrivacy() != null && !usPrivacyAllows(r.usPrivacy())) {
            return false;
        }
        if (r.gpp() != null) {
            if (r.gppSections().length == 0) {
                return false;
            }
            for (int section : r.gppSections()) {
                if (section != 2 && section != 6) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A US Privacy string {@code 1[YN-][YN-][YN-]} allows unless its opt-out-of-sale character is {@code Y}. */
    static boolean usPrivacyAllows(String s) {
        if (s.length() != 4 || s.charAt(0) != '1') {
            return false;
        }
        for (int i = 1; i < 4; i++) {
            char c = s.charAt(i);
            if (c != 'Y' && c != 'N' && c != '-' && c != 'y' && c != 'n') {
                return false;
            }
        }
        return Character.toUpperCase(s.charAt(2)) != 'Y';
    }

    /** Whether a TCF consent string is a v2 string consenting to every purpose of {@link #PURPOSES}. */
    static boolean consentAllowsPersonalisedAds(String consent) {
        if (consent == null || consent.isEmpty() || consent.length() > 4096) {
            return false;
        }
        LastConsent last = LAST.get();
        if (consent.equals(last.consent)) {
            return last.allows;
        }
        boolean allows;
        try {
            TCString tc = TCString.decode(consent);
            allows = tc.getVersion() == 2;
            for (int p : PURPOSES) {
                allows &= tc.getPurposesConsent().contains(p);
            }
        } catch (RuntimeException e) {
            // The decoder throws on malformed input; a string we cannot read gives no consent.
            allows = false;
        }
        last.consent = consent;
        last.allows = allows;
        return allows;
    }
}
