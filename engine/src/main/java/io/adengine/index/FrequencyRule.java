package io.adengine.index;

import io.adengine.model.AdGroup;
import io.adengine.model.Campaign;
import io.adengine.model.FrequencyCap;

import java.util.ArrayList;
import java.util.List;

/**
 * One frequency cap as the serving path and the counter read it: the counter it is counted in, its maximum and its
 * window. A counter is one (ad group or campaign, event, window): a group's cap counts that group's events, a
 * campaign's cap the events of all its groups. Two caps of one owner never share a counter ({@link FrequencyCap#checked}).
 *
 * @param counter       the counter's 64-bit id (a hash of owner kind, owner id, event and window; never 0)
 * @param max           the cap
 * @param windowSeconds 0 for a lifetime cap
 */
public record FrequencyRule(long counter, int max, long windowSeconds, FrequencyCap.Event event) {

    /** The rules of one ad group: its own caps, then its campaign's; {@code null} when it has none. */
    public static FrequencyRule[] of(AdGroup group, Campaign campaign) {
        List<FrequencyRule> rules = new ArrayList<>();
        for (FrequencyCap c : group.frequencyCaps()) {
            rules.add(new FrequencyRule(counterOf(false, group.id(), c), c.max(), c.windowSeconds(), c.event()));
        }
        if (campaign != null) {
            for (FrequencyCap c : campaign.frequencyCaps()) {
                rules.add(new FrequencyRule(counterOf(true, campaign.id(), c), c.max(), c.windowSeconds(), c.event()));
            }
        }
        return rules.isEmpty() ? null : rules.toArray(new FrequencyRule[0]);
    }

    /**
     * The counter of a cap: changing a cap's max keeps its count, changing its window or event starts a new one. A
     * hash, so two counters of one user collide with a chance of about 2^-64 a pair.
     */
    static long counterOf(boolean campaign, long ownerId, FrequencyCap cap) {
        long h = mix(ownerId * 0x9E3779B97F4A7C15L + (campaign ? 0x632BE59BD9B4E019L : 0x1B873593L));
        h = mix(h ^ (cap.windowSeconds() << 1 | cap.event().ordinal()));
        return h == 0 ? 1 : h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
