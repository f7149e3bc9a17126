package io.adengine.audience;

import io.adengine.model.AgeRange;
import io.adengine.model.Gender;
import io.adengine.model.InstallStateTarget;
import org.roaringbitmap.FastAggregation;
import org.roaringbitmap.RoaringBitmap;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reach of a targeting spec: the exact number of known users it accepts (from bitmap cardinalities), and
 * the estimated maximum daily users and impressions from configured priors (until observed request
 * rates exist): daily users = users × dailyActivePercent / 100, impressions = daily users ×
 * requestsPerActiveUserPerDay (every request of every active user won).
 */
public final class Reach {

    /** What to size. An empty set or {@link AgeRange#ANY} does not restrict; {@code app == null}: no install rule. */
    public record Spec(Set<Long> includeAudiences, Set<Long> excludeAudiences, Set<Gender> genders, AgeRange age,
                       String app, InstallStateTarget installState) {
    }

    /** The answer. */
    public record Estimate(long users, long knownUsers, long maxDailyUsers, long maxDailyImpressions) {
    }

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

    public static Estimate estimate(UserData data, Spec spec, int dailyActivePercent, int requestsPerActiveUserPerDay) {
        long users = users(data, spec).getLongCardinality();
        long daily = users * dailyActivePercent / 100;
        return new Estimate(users, data.dictionary().size(), daily, daily * requestsPerActiveUserPerDay);
    }
}
