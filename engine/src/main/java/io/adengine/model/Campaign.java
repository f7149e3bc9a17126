package io.adengine.model;

/**
 * A campaign: the objective and promotion target shared by its ad groups (seed 001 §3.1.1).
 *
 * @param enabled          the campaign-level delivery switch
 * @param advertiserDomain the advertiser's domain (lower case, e.g. {@code puzzle-studio.com}), or {@code null}:
 *                         an answer never holds two ads of one advertiser domain, ad spaces can block it, and
 *                         OpenRTB bids carry it as {@code adomain}. It belongs to the campaign (one advertiser
 *                         per campaign), so "one ad per campaign" and "one ad per advertiser" never disagree.
 * @param frequencyCaps    per-user caps counted over all of its ad groups' events ({@link FrequencyCap})
 */
public record Campaign(
        long id,
        long version,
        long accountId,
        String name,
        Objective objective,
        PromotionTarget promotion,
        boolean enabled,
        String advertiserDomain,
        java.util.List<FrequencyCap> frequencyCaps) {

    public Campaign {
        frequencyCaps = FrequencyCap.checked(frequencyCaps);
    }

    /** A campaign without frequency caps. */
    public Campaign(long id, long version, long accountId, String name, Objective objective, PromotionTarget promotion, boolean enabled,
                    String advertiserDomain) {
        this(id, version, accountId, name, objective, promotion, enabled, advertiserDomain, java.util.List.of());
    }

    /** A campaign that declares no advertiser domain. */
    public Campaign(long id, long version, long accountId, String name, Objective objective, PromotionTarget promotion, boolean enabled) {
        this(id, version, accountId, name, objective, promotion, enabled, null);
    }
}
