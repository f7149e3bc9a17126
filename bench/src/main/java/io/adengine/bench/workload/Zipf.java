package io.adengine.bench.workload;

import java.util.SplittableRandom;

/**
 * Zipf-distributed ranks 0..n-1 (rank 0 most frequent) with exponent {@code s}, drawn in constant time and
 * memory by rejection-inversion (Hörmann and Derflinger, 1996), so 100,000,000 users need no table.
 */
public final class Zipf {

    private final long n;
    private final double s;
    private final double hIntegralX1;
    private final double hIntegralN;
    private final double threshold;

    public Zipf(long n, double s) {
        if (n < 1 || !(s > 0)) {
            throw new IllegalArgumentException("Zipf needs n >= 1 and s > 0, was n=" + n + " s=" + s);
        }
        this.n = n;
        this.s = s;
        this.hIntegralX1 = hIntegral(1.5) - 1.0;
        this.hIntegralN = hIntegral(n + 0.5);
        this.threshold = 2.0 - hIntegralInverse(hIntegral(2.5) - h(2.0));
    }

    /** A rank 0..n-1. */
    public long next(SplittableRandom random) {
        // The loop accepts with probability well above one half for every n and s, so it ends quickly.
        while (true) {
            double u = hIntegralN + random.nextDouble() * (hIntegralX1 - hIntegralN);
            double x = hIntegralInverse(u);
            long k = (long) (x + 0.5);
            if (k < 1) {
                k = 1;
            } else if (k > n) {
                k = n;
            }
            if (k - x <= threshold || u >= hIntegral(k + 0.5) - h(k)) {
                return k - 1;
            }
        }
    }

    /** A rank as an int; only for n within int range. */
    public int nextInt(SplittableRandom random) {
        return (int) next(random);
    }

    public long size() {
        return n;
    }

    private double h(double x) {
        return Math.exp(-s * Math.log(x));
    }

    private double hIntegral(double x) {
        double logX = Math.log(x);
        return helper2((1.0 - s) * logX) * logX;
    }

    private double hIntegralInverse(double x) {
        double t = x * (1.0 - s);
        if (t < -1.0) {
            t = -1.0;
        }
        return Math.exp(helper1(t) * x);
    }

    private static double helper1(double x) {
        return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
    }

    private static double helper2(double x) {
        return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1.0 + x * 0.5 * (1.0 + x / 3.0 * (1.0 + 0.25 * x));
    }
}
