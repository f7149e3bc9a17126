package io.adengine.match;

import io.adengine.model.AdSpace;
import io.adengine.model.CreativeFormat;
import io.adengine.model.PlacementType;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The privacy rules, signal by signal; TCF strings built with the IAB's encoder and decoded with its decoder. */
class PrivacyTest {

    private static final AdSpace SPACE = new AdSpace(1, 1, 1, "s", PlacementType.FEED, Set.of(CreativeFormat.LARGE_NEWSFEED_IMAGE), 0);
    private static final AdSpace CHILDREN = new AdSpace(2, 1, 1, "kids", PlacementType.FEED, Set.of(CreativeFormat.LARGE_NEWSFEED_IMAGE), 0,
            Set.of(), Set.of(), Set.of(), true);

    private static AdRequest request() {
        return new AdRequest().adSpaceId(1);
    }

    @Test
    void aRequestWithoutSignalsShouldAllowUserData() {
        assertThat(Privacy.allowsUserData(request(), SPACE)).isTrue();
    }

    @Test
    void coppaAChildDirectedSpaceAndLimitedAdTrackingShouldEachForbidUserData() {
        assertThat(Privacy.allowsUserData(request().coppa(true), SPACE)).isFalse();
        assertThat(Privacy.allowsUserData(request(), CHILDREN)).isFalse();
        assertThat(Privacy.allowsUserData(request().limitAdTracking(true), SPACE)).isFalse();
    }

    @Test
    void gdprShouldNeedConsentToPurposesOneThreeAndFour() {
        for (ConsentStrings.Consent c : ConsentStrings.ALL) {
            assertThat(Privacy.allowsUserData(request().gdpr(1).consent(c.text()), SPACE)).as(c.text()).isEqualTo(c.personalisedAds());
            assertThat(Privacy.allowsUserData(request().gdpr(0).consent(c.text()), SPACE)).as("gdpr 0: " + c.text()).isTrue();
        }
        assertThat(Privacy.allowsUserData(request().gdpr(1), SPACE)).as("gdpr without consent").isFalse();
        // The thread's one-entry cache must not answer for another string.
        String yes = ConsentStrings.v2(1, 3, 4);
        String no = ConsentStrings.v2(1, 4);
        for (int i = 0; i < 3; i++) {
            assertThat(Privacy.consentAllowsPersonalisedAds(yes)).isTrue();
            assertThat(Privacy.consentAllowsPersonalisedAds(no)).isFalse();
        }
    }

    @Test
    void usPrivacyOptOutOrAMalformedStringShouldForbidUserData() {
        assertThat(Privacy.allowsUserData(request().usPrivacy("1YNN"), SPACE)).isTrue();
        assertThat(Privacy.allowsUserData(request().usPrivacy("1---"), SPACE)).isTrue();
        assertThat(Privacy.allowsUserData(request().usPrivacy("1YYN"), SPACE)).isFalse();
        assertThat(Privacy.allowsUserData(request().usPrivacy("1nyn"), SPACE)).isFalse();
        assertThat(Privacy.allowsUserData(request().usPrivacy("2YNN"), SPACE)).isFalse();
        assertThat(Privacy.allowsUserData(request().usPrivacy("1YN"), SPACE)).isFalse();
    }

    @Test
    void gppShouldAllowOnlySectionsTheEngineReads() {
        assertThat(Privacy.allowsUserData(request().gpp("DBABMA~x", new int[] {2}), SPACE)).isTrue();
        assertThat(Privacy.allowsUserData(request().gpp("DBABMA~x", new int[] {2, 6}), SPACE)).isTrue();
        assertThat(Privacy.allowsUserData(request().gpp("DBABMA~x", new int[] {7}), SPACE)).isFalse();
        assertThat(Privacy.allowsUserData(request().gpp("DBABMA~x", null), SPACE)).isFalse();
    }
}
