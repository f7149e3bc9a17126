package io.adengine.model;

import java.util.List;

/**
 * One ad creative in one format with its assets (seed 001 §3.1.3). With several titles, descriptions,
 * buttons or images the engine combines one of each per impression.
 *
 * @param deeplink             in-app URL, or {@code null}
 * @param impressionTrackers   third-party impression tracker URLs
 * @param videoTrackers        video start / 25 % / 50 % / 75 % tracker URLs (may be empty)
 * @param landingPageRiskWarning whether the landing page carries the complete risk-warning statement that
 *                             financial promotions need (seed 000 §1.2.5); default false
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
        boolean landingPageRiskWarning) {

    public Creative {
        titles = List.copyOf(titles);
        descriptions = List.copyOf(descriptions);
        buttons = List.copyOf(buttons);
        images = List.copyOf(images);
        videos = List.copyOf(videos);
        impressionTrackers = List.copyOf(impressionTrackers);
        videoTrackers = List.copyOf(videoTrackers);
    }
}
