package io.adengine.audience;

import io.adengine.model.AgeRange;
import io.adengine.model.FrequencyCap;
import io.adengine.model.Gender;
import io.adengine.model.InstallStateTarget;
import org.roaringbitmap.FastAggregation;
import org.roaringbitmap.RoaringBitmap;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reach of a targeting spec: the exact number of known users it accepts (from bitmap cardinalities), and
 * the estimated maximum daily users and impressions (every request of every reachable user won).
 *
 * <p>From observed traffic ({@link ObservedTraffic}), once the observation window holds at least
 * {@code minObservedUsers} distinct known users. With {@code S} the users the spec accepts, {@code A}
 * the known users active in the window, {@code R} the requests of known users in the window (in the
 * given ad spaces, or all), and {@code T} the window's length (a whole day once one has been observed,
 * else the time since the first request today):
 * <pre>
 *   maxDailyUsers       = |S ∩ A|                                   (exact count of active users in the spec)
 *   maxDailyImpressions = |S ∩ A| × (R / |A|) × (24 h / T)          (their requests at the observed rate per
 *                                                                   active user and ad space, scaled to a day)
 * </pre>
 * On a partial day {@code |S ∩ A|} counts the users seen so far, a lower bound of the day's.
 *
 * <p>From configured priors until then: daily users = users × dailyActivePercent / 100, impressions =
 * daily users × requestsPerActiveUserPerDay.
 *
 * <p>Frequency caps: with impression caps in the spec (the group's own and its campaign's), a user sees at most
 * {@link #impressionsPerUserPerDay} of them a day (the strictest cap: {@code max × ceil(1 day / window)} for a window
 * under a day, {@code max} for a day or longer and for a lifetime cap), so {@code maxDailyImpressions} is at most
 * {@code maxDailyUsers} times that. Click caps do not bound impressions.
 */
public final class Reach {

    /** What to size. An empty set or {@link AgeRange#ANY} does not restrict; {@code app == null}: no install rule. */
    public record Spec(Set<Long> includeAudiences, Set<Long> excludeAudiences, Set<Gender> genders, AgeRange age,
                       String app, InstallStateTarget installState, List<FrequencyCap> frequencyCaps) {

        public Spec {
            frequencyCaps = List.copyOf(frequencyCaps);
        }

        /** A spec without frequency caps. */
        public Spec(Set<Long> includeAudiences, Set<Long> excludeAudiences, Set<Gender> genders, AgeRange age, String app,
                    InstallStateTarget installState) {
            this(includeAudiences, excludeAudiences, genders, age, app, installState, List.of());
        }
    }

    /** The most impressions a user can see in a day under these caps; {@link Long#MAX_VALUE} when no impression cap. */
    public static long impressionsPerUserPerDay(List<FrequencyCap> caps) {
        long most = Long.MAX_VALUE;
        for (FrequencyCap c : caps) {
            if (c.event() != FrequencyCap.Event.IMPRESSION) {
                continue;
            }
            long w = c.windowSeconds();
            long perDay = w == FrequencyCap.LIFETIME || w >= 86_400 ? c.max() : c.max() * ((86_400 + w - 1) / w);
            most = Math.min(most, perDay);
        }
        return most;
    }

    /** Where the daily figures come from. */
    public enum Basis {
        /** The configured priors: not enough traffic observed yet. */
        PRIOR,
        /** The last complete UTC day of observed traffic. */
        OBSERVED_DAY,
        /** Today's traffic so far, scaled to a day. */
        OBSERVED_PARTIAL_DAY
    }

    /**
     * The answer.
     *
     * @param users               known users the spec accepts
     * @param knownUsers          users in the dictionary
     * @param maxDailyUsers       estimated users the spec reaches per day
     * @param maxDailyImpressions estimated impressions per day if every request of those users were won
     * @param basis               where the daily figures come from
     * @param observedUsers       distinct known users in the observation window (0 under {@link Basis#PRIOR})
     * @param observedRequests    requests of known users in the window, in the asked ad spaces (0 under PRIOR)
     */
    public record Estimate(long users, long knownUsers, long maxDailyUsers, long maxDailyImpressions, Basis basis,
                           long observedUsers, long observedRequests) {

        /** This estimate with its impressions bounded by the spec's frequency caps. */
        Estimate capped(List<FrequencyCap> caps) {
            long perUser = impressionsPerUserPerDay(caps);
            if (perUser == Long.MAX_VALUE) {
                return this;
            }
            long bound = maxDailyUsers > Long.MAX_VALUE / perUser ? Long.MAX_VALUE : maxDailyUsers * perUser;
            return new Estimate(users, knownUsers, maxDailyUsers, Math.min(maxDailyImpressions, bound), basis, observedUsers, observedRequests);
        }
    }

    /** The reach priors and the least traffic that replaces them. */
    public record Priors(int dailyActivePercent, int requestsPerActiveUserPerDay, long minObservedUsers) {
    }

    private static final long DAY_MILLIS = 86_400_000L;

    private Reach() {
    }

    /** The users a spec accepts, over every id the dictionary has assigned. */
    public static RoaringBitmap users(UserData data, Spec spec) {
        int known = data.dictionary().size();
        RoaringBitmap users;
        if (spec.includeAudiences().isEmpty()) {
            users = new RoaringBitmap();
            users.add(0L, known);
        } else {
            List<RoaringBitmap> in = new ArrayList<>();
            for (long id : spec.includeAudiences()) {
                RoaringBitmap b = data.audience(id);
                if (b != null) {
                    in.add(b);
                }
            }
            users = in.isEmpty() ? new RoaringBitmap() : FastAggregation.or(in.iterator());
        }
        for (long id : spec.excludeAudiences()) {
            RoaringBitmap b = data.audience(id);
            if (b != null) {
                users.andNot(b);
            }
        }
        Demographics d = data.demographics();
        if (!spec.genders().isEmpty() || !spec.age().isAny()) {
            int mask = 0;
            for (Gender g : spec.genders()) {
                mask |= 1 << g.ordinal();
            }
            RoaringBitmap fits = new RoaringBitmap();
            for (int u = 0; u < known; u++) {
                int g = d.gender(u);
                int a = d.age(u);
                boolean genderOk = mask == 0 || g != Demographics.UNKNOWN && (mask & (1 << g)) != 0;
                boolean ageOk = spec.age().isAny() || a != Demographics.UNKNOWN && a >= spec.age().min() && a <= spec.age().max();
                if (genderOk && ageOk) {
                    fits.add(u);
                }
            }
            users.and(fits);
        }
        if (spec.app() != null && spec.installState() != null) {
            AppInstalls i = data.installs(spec.app());
            switch (spec.installState()) {
                case ALL_USERS -> { }
                case ALREADY_INSTALLED -> users.and(i.installedNow());
                case NOT_CURRENTLY_INSTALLED -> users.andNot(i.installedNow());
                case NOT_INSTALLED_WITHIN_90_DAYS -> users.andNot(i.installedWithin90Days());
                case NEVER_INSTALLED -> users.andNot(i.everInstalled());
            }
        }
        return users;
    }

    /** The estimate from priors only. */
    public static Estimate estimate(UserData data, Spec spec, int dailyActivePercent, int requestsPerActiveUserPerDay) {
        return estimate(data, spec, Set.of(), null, new Priors(dailyActivePercent, requestsPerActiveUserPerDay, Long.MAX_VALUE));
    }

    /**
     * The estimate from observed traffic when {@code observed} is not {@code null} and holds at least
     * {@link Priors#minObservedUsers} active users, from the priors otherwise (formulas in the class comment).
     *
     * @param adSpaces ad spaces whose requests count (empty: all)
     */
    public static Estimate estimate(UserData data, Spec spec, Set<Long> adSpaces, ObservedTraffic.Window observed, Priors priors) {
        RoaringBitmap accepted = users(data, spec);
        long users = accepted.getLongCardinality();
        long known = data.dictionary().size();
        long active = observed == null ? 0 : observed.active().getLongCardinality();
        if (observed == null || active == 0 || active < priors.minObservedUsers()) {
            long daily = users * priors.dailyActivePercent() / 100;
            return new Estimate(users, known, daily, daily * priors.requestsPerActiveUserPerDay(), Basis.PRIOR, 0, 0)
                    .capped(spec.frequencyCaps());
        }
        long reachable = RoaringBitmap.andCardinality(accepted, observed.active());
        long requests = observed.knownRequests(adSpaces);
        double perActiveUserPerDay = (double) requests / active * ((double) DAY_MILLIS / observed.observedMillis());
        return new Estimate(users, known, reachable, Math.round(reachable * perActiveUserPerDay),
                observed.complete() ? Basis.OBSERVED_DAY : Basis.OBSERVED_PARTIAL_DAY, active, requests).capped(spec.frequencyCaps());
    }
}
