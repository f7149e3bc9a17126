package io.adengine.config;

import java.nio.file.Path;

/**
 * The {@code learning:} section: learned click and conversion rates (package {@code io.adengine.learn}).
 *
 * @param enabled               whether ads rank with learned rates (off: the placement priors of {@code auction.priors})
 * @param halfLifeMinutes       an event's weight halves every this many minutes (0: no decay)
 * @param priorClicks           expected clicks each level's CTR prior weighs (how much evidence overrides the level above;
 *                              a level's spread around its parent is about 1/√priorClicks)
 * @param priorConversions      expected conversions each level's CVR prior weighs
 * @param publishIntervalMillis how often learned rates are published into serving
 * @param explorationPermille   share of requests (per thousand) ranked on a posterior draw instead of the mean (Thompson sampling)
 * @param stateFile             where the learned counts are saved and read at start; {@code null}: not persisted
 * @param saveIntervalSeconds   how often the state file is written
 */
public record LearningConfig(boolean enabled, long halfLifeMinutes, long priorClicks, long priorConversions, long publishIntervalMillis,
                             int explorationPermille, Path stateFile, long saveIntervalSeconds) {

    public static final long HALF_LIFE_MINUTES_DEFAULT = 1_440;
    public static final long PRIOR_CLICKS_DEFAULT = 10;
    public static final long PRIOR_CONVERSIONS_DEFAULT = 10;
    public static final long PUBLISH_INTERVAL_MILLIS_DEFAULT = 10_000;
    public static final int EXPLORATION_PERMILLE_DEFAULT = 50;
    /** Exploration is bounded: at most half the requests explore. */
    public static final int EXPLORATION_PERMILLE_MAX = 500;
    public static final long SAVE_INTERVAL_SECONDS_DEFAULT = 60;

    /** Learning off (tests and tools keep the priors unless they switch it on). */
    public static LearningConfig off() {
        return new LearningConfig(false, HALF_LIFE_MINUTES_DEFAULT, PRIOR_CLICKS_DEFAULT, PRIOR_CONVERSIONS_DEFAULT,
                PUBLISH_INTERVAL_MILLIS_DEFAULT, EXPLORATION_PERMILLE_DEFAULT, null, SAVE_INTERVAL_SECONDS_DEFAULT);
    }

    /** A copy switched on or off. */
    public LearningConfig withEnabled(boolean on) {
        return new LearningConfig(on, halfLifeMinutes, priorClicks, priorConversions, publishIntervalMillis, explorationPermille,
                stateFile, saveIntervalSeconds);
    }
}
