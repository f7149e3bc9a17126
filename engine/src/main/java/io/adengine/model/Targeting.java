package io.adengine.model;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * Everything an ad group targets besides placement. Request-side rules ({@link Dimension}s and the OS
 * version range) are answered by the request; user-side rules (gender, age, audiences, install state)
 * by what the engine knows of the user, where an unknown user has no gender, no age, is in no audience
 * and has installed nothing.
 */
public record Targeting(
        Map<Dimension, IncludeExclude> dimensions,
        OsVersionRange osVersion,
        Set<Gender> genders,
        AgeRange age,
        Set<Long> includeAudiences,
        Set<Long> excludeAudiences) {

    /** Targets everyone everywhere. */
    public static final Targeting ANY =
            new Targeting(Map.of(), OsVersionRange.ANY, Set.of(), AgeRange.ANY, Set.of(), Set.of());

    public Targeting {
        EnumMap<Dimension, IncludeExclude> copy = new EnumMap<>(Dimension.class);
        dimensions.forEach((d, rule) -> {
            if (!rule.equals(IncludeExclude.ANY)) {
                copy.put(d, rule);
            }
        });
        dimensions = Map.copyOf(copy);
        genders = Set.copyOf(genders);
        includeAudiences = Set.copyOf(includeAudiences);
        excludeAudiences = Set.copyOf(excludeAudiences);
    }

    /** The rule for one dimension ({@link IncludeExclude#ANY} when the ad group does not restrict it). */
    public IncludeExclude rule(Dimension dimension) {
        return dimensions.getOrDefault(dimension, IncludeExclude.ANY);
    }

    /** Whether any rule reads the user's data: demographics, included or excluded audiences. */
    public boolean readsUserData() {
        return needsKnownUser() || !excludeAudiences.isEmpty();
    }

    /** Whether any user-side rule (demographics or include audiences) needs the user to be known. */
    public boolean needsKnownUser() {
        return !genders.isEmpty() || !age.isAny() || !includeAudiences.isEmpty();
    }
}
