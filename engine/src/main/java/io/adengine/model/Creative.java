package io.adengine.model;

import java.util.List;
import java.util.Set;

/**
 * One ad creative in one format with its assets (seed 001 §3.1.3). With several titles, descriptions,
 * buttons or images the engine combines one of each per impression.
 *
 * @param deeplink             in-app URL, or {@code null}
 * @param impressionTrackers   third-party impression tracker URLs
 * @param videoTrackers        video start / 25 % / 50 % / 75 % tracker URLs (may be empty)
 * @param categories         IAB content categories of the ad ({@link ContentCategory}, canonical spelling)
 * @param landingPageRiskWarning whether the landing page carries the complete risk-warning statement that
 *                             financial promotions need (seed 000 §1.2.5); default false
 * @param vast                 what a VAST answer needs (duration, media files, skip offset, verifications,
 *                             third-party event trackers), or {@code null}: the creative is not served as VAST
 */
public record Creative(
        long id,
        long version,
        long adGroupId,
        String name,
        CreativeFormat format,
        List<String> titles,
        List<String> descriptions,
        List<String> buttons,
        List<Asset> images,
        List<Asset> videos,
        Asset icon,
        String clickUrl,
        String deeplink,
        List<String> impressionTrackers,
        List<String> videoTrackers,
        ReviewStatus review,
        boolean landingPageRiskWarning,
        Set<String> categories,
        VideoAd vast) {

    /** A creative in no content category. */
    public Creative(long id, long version, long adGroupId, String name, CreativeFormat format, List<String> titles,
                    List<String> descriptions, List<String> buttons, List<Asset> images, List<Asset> videos, Asset icon,
                    String clickUrl, String deeplink, List<String> impressionTrackers, List<String> videoTrackers,
                    ReviewStatus review, boolean landingPageRiskWarning) {
        this(id, version, adGroupId, name, format, titles, descriptions, buttons, images, videos, icon, clickUrl, deeplink,
                impressionTrackers, videoTrackers, review, landingPageRiskWarning, Set.of(), null);
    }

    /** A creative without VAST data. */
    public Creative(long id, long version, long adGroupId, String name, CreativeFormat format, List<String> titles,
                    List<String> descriptions, List<String> buttons, List<Asset> images, List<Asset> videos, Asset icon,
                    String clickUrl, String deeplink, List<String> impressionTrackers, List<String> videoTrackers,
                    ReviewStatus review, boolean landingPageRiskWarning, Set<String> categories) {
        this(id, version, adGroupId, name, format, titles, descriptions, buttons, images, videos, icon, clickUrl, deeplink,
                impressionTrackers, videoTrackers, review, landingPageRiskWarning, categories, null);
    }

    public Creative {
        categories = Set.copyOf(categories);
        titles = List.copyOf(titles);
        descriptions = List.copyOf(descriptions);
        buttons = List.copyOf(buttons);
        images = List.copyOf(images);
        videos = List.copyOf(videos);
        impressionTrackers = List.copyOf(impressionTrackers);
        videoTrackers = List.copyOf(videoTrackers);
    }

    /** The click macro that asks for the request's advertising id ({@code server.ClickMacros}). */
    public static final String GAID_MACRO = "{gaid}";

    /**
     * Whether the click URL or the deeplink holds {@link #GAID_MACRO}: only then does a click token carry the
     * (sealed) advertising id. Scans the two strings: the snapshot keeps the answer per ad group.
     */
    public boolean usesGaidMacro() {
        return clickUrl != null && clickUrl.contains(GAID_MACRO) || deeplink != null && deeplink.contains(GAID_MACRO);
    }
}
