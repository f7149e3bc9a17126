package io.adengine.model;

import java.util.Set;

/**
 * One dimension's rule: the request's value must be in {@code include} (an empty include means any
 * value, including none) and must not be in {@code exclude}. A request that lacks the value passes
 * only an unrestricted include, and no exclude applies to it.
 */
public record IncludeExclude(Set<String> include, Set<String> exclude) {

    /** The rule that accepts everything. */
    public static final IncludeExclude ANY = new IncludeExclude(Set.of(), Set.of());

    public IncludeExclude {
        include = Set.copyOf(include);
        exclude = Set.copyOf(exclude);
    }

    /** Whether a normalised request value (or {@code null} when the request lacks it) passes this rule. */
    public boolean accepts(String value) {
        if (value == null) {
            return include.isEmpty();
        }
        return (include.isEmpty() || include.contains(value)) && !exclude.contains(value);
    }
}
