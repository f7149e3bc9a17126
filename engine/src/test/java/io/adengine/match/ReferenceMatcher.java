package io.adengine.match;

import io.adengine.config.EngineConfig;
import io.adengine.model.Account;
import io.adengine.model.AccountStatus;
import io.adengine.model.AccountType;
import io.adengine.model.AdGroup;
import io.adengine.model.AdSpace;
import io.adengine.model.BidModel;
import io.adengine.model.Campaign;
import io.adengine.model.Catalog;
import io.adengine.model.Creative;
import io.adengine.model.Dimension;
import io.adengine.model.IncludeExclude;
import io.adengine.model.InstallStateTarget;
import io.adengine.model.Objective;
import io.adengine.model.OsVersionRange;
import io.adengine.model.PaymentMode;
import io.adengine.model.ReviewStatus;
import io.adengine.model.Schedule;
import io.adengine.model.Targeting;

import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The brute-force oracle: checks every ad group against the request straight from the model, with
 * java.time for schedules and BigInteger for money, then sorts everything. Slow and obviously right;
 * shares no code with the index, the decider or the pricing.
 */
final class ReferenceMatcher {

    private static final BigInteger THOUSAND = BigInteger.valueOf(1_000);
    private static final BigInteger MILLION = BigInteger.valueOf(1_000_000);

    /** One ad of the reference answer. */
    record Ad(long adGroupId, long ecpm, long clearingCpm, long chargePerUnit) {
    }

    /** The reference answer: who entered the auction, and the ads in order. */
    record Result(Set<Long> entrants, List<Ad> ads) {
    }

    private record Candidate(AdGroup group, int tier, long ecpm) {
    }

    static Result match(Catalog catalog, EngineConfig.AuctionConfig auction, AdRequest request) {
        return match(catalog, auction, request, null);
    }

    /** Learned rates of an ad group on a placement type, parts per million: {@code {ctr, cvr}}. */
    @FunctionalInterface
    interface Rates {
        int[] of(long adGroupId, io.adengine.model.PlacementType placement);
    }

    /** The answer for a request whose user has these facts ({@code null}: an unknown user). */
    static Result match(Catalog catalog, EngineConfig.AuctionConfig auction, AdRequest request, RandomUsers.Facts user) {
        return match(catalog, auction, request, user, null);
    }

    /**
     * What the frequency counter knows of the request's user: whether it has a usable id, and its count of one cap of an
     * ad group or campaign.
     */
    interface Counts {
        boolean usableId();

        int count(boolean campaign, long ownerId, io.adengine.model.FrequencyCap cap);
    }

    /** The answer when every ad group ranks with {@code rates} ({@code null}: the placement priors). */
    static Result match(Catalog catalog, EngineConfig.AuctionConfig auction, AdRequest request, RandomUsers.Facts user, Rates rates) {
        return match(catalog, auction, request, user, rates, null);
    }

    /**
     * The answer with frequency caps checked against {@code counts} ({@code null}: nobody has a usable id, so capped
     * groups serve only where they allow unknown users).
     */
    static Result match(Catalog catalog, EngineConfig.AuctionConfig auction, AdRequest request, RandomUsers.Facts user, Rates rates,
                        Counts counts) {
        AdSpace space = catalog.adSpace(request.adSpaceId());
        if (space == null) {
            return new Result(Set.of(), List.of());
        }
        EngineConfig.Prior placementPrior = auction.priors().get(space.placement());
        // The network reserve price raises every ad space's floor (booked slots ignore both).
        long floor = Math.max(space.floorCpmMicros(), auction.reservePriceCpmMicros());
        List<Candidate> candidates = new ArrayList<>();
        for (AdGroup g : catalog.adGroups()) {
            Campaign campaign = catalog.campaign(g.campaignId());
            Account account = catalog.account(campaign.accountId());
            if (!passes(catalog, account, campaign, g, space, request, user) || !capsAllow(campaign, g, space, request, counts)) {
                continue;
            }
            EngineConfig.Prior prior = rates == null ? placementPrior : prior(rates.of(g.id(), space.placement()));
            long rate = auction.microsPerUnit().get(account.currency());
            BigInteger bid = BigInteger.valueOf(g.bid().amountMicros()).multiply(BigInteger.valueOf(rate)).divide(MILLION);
            BigInteger ecpm = switch (g.bid().model()) {
                case CPM, CPT -> bid;
                case CPC -> bid.multiply(BigInteger.valueOf(prior.ctrPpm())).divide(THOUSAND);
                case CPA -> bid.multiply(BigInteger.valueOf(prior.ctrPpm())).divide(THOUSAND)
                        .multiply(BigInteger.valueOf(prior.cvrPpm())).divide(MILLION);
            };
            int tier = g.bid().model() == BidModel.CPT ? 2
                    : g.bid().model() == BidModel.CPM && campaign.objective() == Objective.BRAND ? 1 : 0;
            if (tier != 2 && ecpm.compareTo(BigInteger.valueOf(floor)) < 0) {
                continue;
            }
            candidates.add(new Candidate(g, tier, ecpm.longValueExact()));
        }
        Set<Long> entrants = new TreeSet<>();
        candidates.forEach(c -> entrants.add(c.group().id()));

        candidates.sort(Comparator.comparingInt((Candidate c) -> -c.tier())
                .thenComparing(Comparator.comparingLong((Candidate c) -> c.ecpm()).reversed())
                .thenComparingLong(c -> c.group().id()));
        // Greedy, best first: an ad is skipped when one already taken has its campaign or its advertiser domain.
        List<Candidate> onePerCampaign = new ArrayList<>();
        Set<Long> campaigns = new HashSet<>();
        Set<String> domains = new HashSet<>();
        for (Candidate c : candidates) {
            String domain = catalog.campaign(c.group().campaignId()).advertiserDomain();
            if (!campaigns.contains(c.group().campaignId()) && (domain == null || !domains.contains(domain))) {
                campaigns.add(c.group().campaignId());
                if (domain != null) {
                    domains.add(domain);
                }
                onePerCampaign.add(c);
            }
        }
        List<Ad> ads = new ArrayList<>();
        for (int i = 0; i < Math.min(request.count(), onePerCampaign.size()); i++) {
            Candidate c = onePerCampaign.get(i);
            long clearing = c.ecpm();
            if (c.tier() == 0) {
                long beat = i + 1 < onePerCampaign.size() ? onePerCampaign.get(i + 1).ecpm() + 1 : 0;
                clearing = Math.min(c.ecpm(), Math.max(floor, beat));
            }
            EngineConfig.Prior prior = rates == null ? placementPrior : prior(rates.of(c.group().id(), space.placement()));
            ads.add(new Ad(c.group().id(), c.ecpm(), clearing, charge(catalog, auction, c.group(), clearing, prior)));
        }
        return new Result(entrants, ads);
    }

    private static EngineConfig.Prior prior(int[] ctrCvr) {
        return new EngineConfig.Prior(ctrCvr[0], ctrCvr[1]);
    }

    private static long charge(Catalog catalog, EngineConfig.AuctionConfig auction, AdGroup g, long clearing, EngineConfig.Prior prior) {
        if (g.bid().model() == BidModel.CPT) {
            return g.bid().amountMicros();
        }
        BigInteger c = BigInteger.valueOf(clearing);
        BigInteger perUnit = switch (g.bid().model()) {
            case CPM -> c;
            case CPC -> c.multiply(THOUSAND).divide(BigInteger.valueOf(prior.ctrPpm()));
            case CPA -> c.multiply(BigInteger.valueOf(1_000_000_000L))
                    .divide(BigInteger.valueOf(prior.ctrPpm()).multiply(BigInteger.valueOf(prior.cvrPpm())));
            case CPT -> throw new AssertionError();
        };
        Account account = catalog.account(catalog.campaign(g.campaignId()).accountId());
        return perUnit.multiply(MILLION).divide(BigInteger.valueOf(auction.microsPerUnit().get(account.currency()))).longValueExact();
    }

    private static boolean passes(Catalog catalog, Account account, Campaign campaign, AdGroup g, AdSpace space, AdRequest r,
                                  RandomUsers.Facts user) {
        long spendable = account.balanceMicros() + (account.paymentMode() == PaymentMode.POSTPAID ? account.creditLimitMicros() : 0);
        if (account.type() == AccountType.INDIVIDUAL || account.status() != AccountStatus.APPROVED || spendable <= 0
                || !campaign.enabled() || g.review() != ReviewStatus.APPROVED || !g.deliveryOn()) {
            return false;
        }
        if (!g.placements().contains(space.placement())
                || !g.adSpaceIds().isEmpty() && !g.adSpaceIds().contains(space.id())
                || !g.publisherIds().isEmpty() && !g.publisherIds().contains(space.publisherId())) {
            return false;
        }
        if (campaign.advertiserDomain() != null && space.blockedDomains().contains(campaign.advertiserDomain())
                || g.app() != null && space.blockedApps().contains(g.app().packageName())) {
            return false;
        }
        boolean creativeFits = false;
        for (Creative c : catalog.creativesOf(g.id())) {
            String url = c.clickUrl() == null ? "" : c.clickUrl();
            boolean http = url.startsWith("http://") || url.startsWith("https://");
            creativeFits |= c.review() == ReviewStatus.APPROVED && http && space.formats().contains(c.format())
                    && !categoryBlocked(c, space);
        }
        if (!creativeFits) {
            return false;
        }
        for (Dimension d : Dimension.values()) {
            IncludeExclude rule = g.targeting().rule(d);
            String v = r.value(d);
            boolean included = rule.include().isEmpty() || v != null && rule.include().contains(v);
            boolean excluded = v != null && rule.exclude().contains(v);
            if (!included || excluded) {
                return false;
            }
        }
        OsVersionRange os = g.targeting().osVersion();
        if (!os.isAny() && (r.osVersion() < 0 || r.osVersion() < os.min() || r.osVersion() > os.max())) {
            return false;
        }
        if (!userDataAllowed(r, space)) {
            // Contextual only: no rule of the group may read user data.
            Targeting t = g.targeting();
            boolean install = g.app() != null && g.installState() != null && g.installState() != InstallStateTarget.ALL_USERS;
            if (!t.genders().isEmpty() || !t.age().isAny() || !t.includeAudiences().isEmpty() || !t.excludeAudiences().isEmpty() || install) {
                return false;
            }
        } else if (!RandomUsers.accepts(g, user)) {
            // An unknown user (null facts): no gender, no age, in no audience, nothing installed.
            return false;
        }
        return live(g.schedule(), r.nowMillis());
    }

    /**
     * Frequency caps: an uncapped group always passes; a capped one (its own caps or its campaign's) needs a usable user id
     * the privacy signals let us use, and every cap's count below its max, unless it allows unknown users and there is none.
     */
    private static boolean capsAllow(Campaign campaign, AdGroup g, AdSpace space, AdRequest r, Counts counts) {
        if (g.frequencyCaps().isEmpty() && campaign.frequencyCaps().isEmpty()) {
            return true;
        }
        if (counts == null || !counts.usableId() || !userDataAllowed(r, space)) {
            return g.capUnknownUsers();
        }
        for (io.adengine.model.FrequencyCap cap : g.frequencyCaps()) {
            if (counts.count(false, g.id(), cap) >= cap.max()) {
                return false;
            }
        }
        for (io.adengine.model.FrequencyCap cap : campaign.frequencyCaps()) {
            if (counts.count(true, campaign.id(), cap) >= cap.max()) {
                return false;
            }
        }
        return true;
    }

    /** A creative in a category the space blocks, itself or through its tier-1 parent ({@code IAB7} blocks {@code IAB7-12}). */
    static boolean categoryBlocked(Creative c, AdSpace space) {
        for (String category : c.categories()) {
            if (space.blockedCategories().contains(category) || space.blockedCategories().contains(category.split("-")[0])) {
                return true;
            }
        }
        return false;
    }

    /** The privacy rules of the engine README, from the request's signals (consents known from how they were built). */
    static boolean userDataAllowed(AdRequest r, AdSpace space) {
        if (r.coppa() || space.childDirected() || r.limitAdTracking()) {
            return false;
        }
        if (r.gdpr() == 1 && ConsentStrings.ALL.stream().noneMatch(c -> c.text().equals(r.consent()) && c.personalisedAds())) {
            return false;
        }
        if (r.usPrivacy() != null && (!r.usPrivacy().matches("1[YNyn-]{3}") || Character.toUpperCase(r.usPrivacy().charAt(2)) == 'Y')) {
            return false;
        }
        if (r.gpp() != null) {
            int[] sections = r.gppSections();
            return sections.length > 0 && java.util.Arrays.stream(sections).allMatch(x -> x == 2 || x == 6);
        }
        return true;
    }

    private static boolean live(Schedule s, long now) {
        java.time.ZoneId zone = s.zone().id();
        Instant at = Instant.ofEpochMilli(now);
        if (at.isBefore(java.time.ZonedDateTime.of(s.start(), zone).toInstant())
                || s.end() != null && !at.isBefore(java.time.ZonedDateTime.of(s.end(), zone).toInstant())) {
            return false;
        }
        LocalDateTime local = LocalDateTime.ofInstant(at, zone);
        int hourOfWeek = (local.getDayOfWeek().getValue() - 1) * 24 + local.getHour();
        return s.hours().contains(hourOfWeek);
    }

}
