package io.adengine.config;

import java.util.Map;

/**
 * The OpenRTB 2.6 bidder endpoint ({@code POST /openrtb2/bid}): which ad space an exchange's impression is for.
 * An impression's {@code tagid} is looked up in {@link #tagIds()}; a tag id that is an ad space id in plain decimal
 * needs no entry; an impression without a known tag id takes the default ad space of its kind (banner, video,
 * native), and with none (0) gets no bid.
 *
 * @param tagIds        exchange tag id → ad space id
 * @param bannerAdSpace ad space of banner impressions without a known tag id; 0: none
 * @param videoAdSpace  ad space of video impressions without a known tag id; 0: none
 * @param nativeAdSpace ad space of native impressions without a known tag id; 0: none
 */
public record OpenRtbConfig(Map<String, Long> tagIds, long bannerAdSpace, long videoAdSpace, long nativeAdSpace) {

    /** No tag ids mapped, no default ad spaces: only decimal ad space ids as tag ids bid. */
    public static final OpenRtbConfig DEFAULTS = new OpenRtbConfig(Map.of(), 0, 0, 0);

    public OpenRtbConfig {
        tagIds = Map.copyOf(tagIds);
    }
}
