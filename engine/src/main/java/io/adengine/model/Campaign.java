package io.adengine.model;

/**
 * A campaign: the objective and promotion target shared by its ad groups (seed 001 §3.1.1).
 *
 * @param enabled the campaign-level delivery switch
 */
public record Campaign(
        long id,
        long version,
        long accountId,
        String name,
        Objective objective,
        PromotionTarget promotion,
        boolean enabled) {
}
