package io.adengine.model;

import java.util.List;

/**
 * What a VAST 4.2 linear ad needs beyond a creative's assets: the video's length, its media files (one
 * per rendition), when the viewer may skip, the Open Measurement verification scripts, and third-party
 * tracking URLs per playback event. Held by video creatives ({@link Creative#vast()}); checked at the door
 * by the catalog rules.
 *
 * @param durationMillis   the video's length, ≥ 1
 * @param skipOffsetMillis when the skip button appears, from the start; {@link #NOT_SKIPPABLE} for none
 * @param mediaFiles       renditions of the same video, at least one
 * @param verifications    Open Measurement verification resources (VAST {@code AdVerifications}); may be empty
 * @param trackingEvents   third-party tracking URLs per playback event; may be empty
 */
public record VideoAd(long durationMillis, long skipOffsetMillis, List<MediaFile> mediaFiles, List<Verification> verifications,
                      List<EventTracker> trackingEvents) {

    /** {@link #skipOffsetMillis()} of a video that cannot be skipped. */
    public static final long NOT_SKIPPABLE = -1;

    public VideoAd {
        mediaFiles = List.copyOf(mediaFiles);
        verifications = List.copyOf(verifications);
        trackingEvents = List.copyOf(trackingEvents);
    }

    /** How a player fetches a media file (VAST {@code MediaFile@delivery}). */
    public enum Delivery {
        PROGRESSIVE, STREAMING
    }

    /**
     * One rendition of the video.
     *
     * @param mimeType    e.g. {@code video/mp4}, {@code application/x-mpegURL}
     * @param bitrateKbps average bitrate in kilobits per second; 0 when unknown (then left out of the VAST)
     */
    public record MediaFile(String url, String mimeType, Delivery delivery, int width, int height, int bitrateKbps) {
    }

    /**
     * One Open Measurement verification script.
     *
     * @param vendor        the verification vendor's key, e.g. {@code iabtechlab.com-omid}
     * @param javascriptUrl the script's http(s) URL
     * @param parameters    opaque parameters passed to the script, or {@code null}
     */
    public record Verification(String vendor, String javascriptUrl, String parameters) {
    }

    /** A third-party URL called on a playback event. */
    public record EventTracker(VideoEvent event, String url) {
    }
}
