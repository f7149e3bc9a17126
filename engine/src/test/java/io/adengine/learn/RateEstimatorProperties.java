package io.adengine.learn;

import io.adengine.config.EngineConfig;
import io.adengine.model.PlacementType;
import io.adengine.testing.Property;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The estimator against a direct computation on random event sequences: every event's weight
 * {@code 2^(-(now - t)/halfLife)} summed from the raw list per level, and the shrinkage formula applied
 * top-down (config prior, placement, campaign, ad group, creative), for random half-lives, out-of-order
 * event times and query instants before and after the last event. Plus: the saved state reads back to the
 * same rates, and posterior draws have the posterior's mean.
 */
class RateEstimatorProperties {

    private static final PlacementType[] PLACEMENTS = {PlacementType.BANNER, PlacementType.FEED, PlacementType.INTERSTITIAL};

    private record Event(RateEstimator.Kind kind, PlacementType p, long campaign, long group, long creative, long t) {
    }

    private static long groupOf(long creative) {
        return 100 + creative % 5;
    }

    private static long campaignOf(long group) {
        return 1000 + group % 2;
    }

    @Test
    void estimatesEqualTheDirectComputation() {
        Property.forAll(500, gen -> {
            Map<PlacementType, EngineConfig.Prior> priors = new EnumMap<>(PlacementType.class);
            for (PlacementType p : PlacementType.values()) {
                priors.put(p, new EngineConfig.Prior(gen.ints(1, 1_000_000), gen.ints(1, 1_000_000)));
            }
            long[] halfLives = {0, 60_000, 3_600_000, 86_400_000};
            long halfLife = halfLives[gen.ints(0, 3)];
            double s = 0.5 + gen.ints(0, 500) / 10.0;
            double tClicks = 0.5 + gen.ints(0, 500) / 10.0;
            RateEstimator estimator = new RateEstimator(priors, halfLife, s, tClicks);
            List<Event> events = new ArrayList<>();
            int n = gen.ints(0, 400);
            long t = gen.longs(0, 1L << 40);
            for (int i = 0; i < n; i++) {
                t += gen.longs(0, 120_000);
                long at = gen.oneIn(5) ? t - gen.longs(0, 600_000) : t; // late events
                long creative = gen.ints(1, 12);
                long group = groupOf(creative);
                RateEstimator.Kind kind = RateEstimator.Kind.values()[gen.oneIn(2) ? 0 : gen.ints(0, 2)];
                Event e = new Event(kind, PLACEMENTS[gen.ints(0, PLACEMENTS.length - 1)], campaignOf(group), group, creative, at);
                events.add(e);
                estimator.observe(e.kind, e.p, e.campaign, e.group, e.creative, e.t);
            }
            long now = gen.oneIn(4) ? t - gen.longs(0, 300_000) : t + gen.longs(0, 7_200_000);
            for (PlacementType p : PLACEMENTS) {
                for (long creative = 1; creative <= 13; creative++) {
                    long group = groupOf(creative);
                    long campaign = campaignOf(group);
                    EngineConfig.Prior prior = priors.get(p);
                    double[] r = {prior.ctrPpm() / 1e6, prior.cvrPpm() / 1e6};
                    r = direct(events, e -> e.p == p, r, halfLife, s, tClicks, now);
                    r = direct(events, e -> e.p == p && e.campaign == campaign, r, halfLife, s, tClicks, now);
                    r = direct(events, e -> e.p == p && e.group == group, r, halfLife, s, tClicks, now);
                    double[] groupRate = r;
                    long c = creative;
                    r = direct(events, e -> e.p == p && e.creative == c, r, halfLife, s, tClicks, now);
                    RateEstimator.Rate g = estimator.adGroup(p, campaign, group, now);
                    RateEstimator.Rate got = estimator.creative(p, campaign, group, creative, now);
                    assertThat(g.ctr()).as("group ctr").isCloseTo(groupRate[0], within(1e-9 * Math.max(1, groupRate[0])));
                    assertThat(g.cvr()).as("group cvr").isCloseTo(groupRate[1], within(1e-9));
                    assertThat(got.ctr()).as("creative %d ctr on %s", creative, p).isCloseTo(r[0], within(1e-9));
                    assertThat(got.cvr()).as("creative %d cvr on %s", creative, p).isCloseTo(r[1], within(1e-9));
                }
            }
            // The saved state reads back to the same rates.
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            estimator.write(new DataOutputStream(bytes));
            RateEstimator back = new RateEstimator(priors, halfLife, s, tClicks);
            back.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            for (long creative = 1; creative <= 12; creative++) {
                long group = groupOf(creative);
                assertThat(back.creative(PLACEMENTS[0], campaignOf(group), group, creative, now))
                        .isEqualTo(estimator.creative(PLACEMENTS[0], campaignOf(group), group, creative, now));
            }
        });
    }

    /** One level's posterior means from the raw events that belong to it, given the parent's means. */
    private static double[] direct(List<Event> events, Predicate<Event> in, double[] parent, long halfLife, double a, double b, long now) {
        double s = a / parent[0];
        double t = b / parent[1];
        double i = 0;
        double k = 0;
        double v = 0;
        for (Event e : events) {
            if (!in.test(e)) {
                continue;
            }
            double w = halfLife == 0 ? 1 : Math.pow(2, -(double) (now - e.t) / halfLife);
            switch (e.kind) {
                case IMPRESSION -> i += w;
                case CLICK -> k += w;
                case CONVERSION -> v += w;
            }
        }
        double ctr = (k + s * parent[0]) / (Math.max(i, k) + s);
        double cvr = (v + t * parent[1]) / (Math.max(k, v) + t);
        return new double[] {ctr, cvr};
    }

    @Test
    void posteriorDrawsHaveThePosteriorMean() {
        Property.forAll(50, gen -> {
            double a = 0.05 + gen.ints(0, 2_000) / 10.0;
            double b = 0.05 + gen.ints(0, 20_000) / 10.0;
            SplittableRandom random = new SplittableRandom(gen.seed());
            int n = 20_000;
            double sum = 0;
            double sumSq = 0;
            for (int i = 0; i < n; i++) {
                double x = RateEstimator.Beta.sample(random, a, b);
                assertThat(x).isBetween(0.0, 1.0);
                sum += x;
                sumSq += x * x;
            }
            double mean = a / (a + b);
            double variance = a * b / ((a + b) * (a + b) * (a + b + 1));
            // Five standard errors of the mean of n draws; the variance within 10 % (plus a little absolute slack).
            assertThat(sum / n).isCloseTo(mean, within(5 * Math.sqrt(variance / n) + 1e-12));
            double sampleVar = sumSq / n - (sum / n) * (sum / n);
            if (Math.min(a, b) >= 1) {
                // Very skewed draws (a or b below 1) converge too slowly in variance for a bound this tight.
                assertThat(sampleVar).isCloseTo(variance, within(0.1 * variance + 1e-9));
            }
        });
    }
}
