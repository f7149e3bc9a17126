package io.adengine.match;

import com.iabtcf.encoder.TCStringEncoder;

import java.time.Instant;
import java.util.List;

/**
 * TCF consent strings with known content, built with the IAB's own encoder, for tests: which ones give
 * consent to the purposes personalised ads need (1, 3 and 4) is known without decoding them.
 */
final class ConsentStrings {

    /** A consent string and whether it consents to purposes 1, 3 and 4. */
    record Consent(String text, boolean personalisedAds) {
    }

    static final List<Consent> ALL = List.of(
            new Consent(v2(1, 2, 3, 4, 7), true),
            new Consent(v2(1, 3, 4), true),
            new Consent(v2(1, 3), false),
            new Consent(v2(2, 3, 4, 5), false),
            new Consent(v2(), false),
            new Consent("not-a-consent-string", false),
            new Consent(v2(1, 3, 4).substring(0, 10), false));

    private ConsentStrings() {
    }

    static String v2(int... purposes) {
        TCStringEncoder.Builder b = TCStringEncoder.newBuilder().version(2).created(Instant.parse("2026-11-01T00:00:00Z"))
                .lastUpdated(Instant.parse("2026-11-01T00:00:00Z")).cmpId(7).cmpVersion(1).consentScreen(1).consentLanguage("EN")
                .vendorListVersion(100).tcfPolicyVersion(2).publisherCC("DE").addVendorConsent(755);
        for (int p : purposes) {
            b.addPurposesConsent(p);
        }
        return b.encode();
    }
}
