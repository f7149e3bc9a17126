package io.adengine.bench.audience;

import io.adengine.audience.Demographics;
import io.adengine.audience.InstallHistory;
import io.adengine.model.Gender;
import org.roaringbitmap.RoaringBitmap;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Workload M's user side, generated deterministically from a seed: user {@code i}'s GAID is a function
 * of (seed, i), so a dictionary built in index order gives user {@code i} the id {@code i}. Audience
 * sizes are log-uniform between {@link #MIN_AUDIENCE} and {@link #MAX_AUDIENCE}; app install rates
 * follow a Zipf law from 40 % (app 0) down to 0.05 % (the last app).
 */
public final class AudienceWorkload {

    public static final int MIN_AUDIENCE = 1_000;
    public static final int MAX_AUDIENCE = 2_000_000;
    public static final double TOP_INSTALL_RATE = 0.40;
    public static final double LAST_INSTALL_RATE = 0.0005;
    /** The day install state is computed for in the benchmarks: 2026-11-28. */
    public static final int TODAY = 20_785;

    private final long seed;
    private final int users;
    private final int audiences;
    private final int apps;

    public AudienceWorkload(long seed, int users, int audiences, int apps) {
        this.seed = seed;
        this.users = users;
        this.audiences = audiences;
        this.apps = apps;
    }

    /** Workload M: 10,000,000 users, 1,000 audiences, 200 apps. */
    public static AudienceWorkload m(long seed) {
        return new AudienceWorkload(seed, 10_000_000, 1_000, 200);
    }

    public int users() {
        return users;
    }

    public int audiences() {
        return audiences;
    }

    public int apps() {
        return apps;
    }

    /** The GAID of user {@code i} (lower case, 8-4-4-4-12). */
    public String gaid(int i) {
        long a = mix(seed ^ (i * 0x9E3779B97F4A7C15L));
        long b = mix(a + 0x632BE59BD9B4E019L);
        char[] c = new char[36];
        int nibble = 0;
        for (int pos = 0; pos < 36; pos++) {
            if (pos == 8 || pos == 13 || pos == 18 || pos == 23) {
                c[pos] = '-';
                continue;
            }
            long word = nibble < 16 ? a : b;
            c[pos] = Character.forDigit((int) (word >>> ((nibble & 15) * 4)) & 0xF, 16);
            nibble++;
        }
        return new String(c);
    }

    /** Size of audience {@code a} (1-based id a + 1), log-uniform. */
    public int audienceSize(int a) {
        double u = new SplittableRandom(seed * 31 + a).nextDouble();
        return (int) Math.round(Math.exp(Math.log(MIN_AUDIENCE) + u * (Math.log(MAX_AUDIENCE) - Math.log(MIN_AUDIENCE))));
    }

    /** Members of audience {@code a}: about {@link #audienceSize} users picked uniformly (geometric gaps). */
    public RoaringBitmap audience(int a) {
        return sample(new SplittableRandom(seed * 131 + a), (double) audienceSize(a) / users);
    }

    /** Install rate of app {@code k}: Zipf from 40 % down to 0.05 %. */
    public double installRate(int k) {
        double s = Math.log(TOP_INSTALL_RATE / LAST_INSTALL_RATE) / Math.log(apps);
        return TOP_INSTALL_RATE / Math.pow(k + 1, s);
    }

    public static String appName(int k) {
        return "com.bench.app" + k;
    }

    /**
     * Install events of app {@code k}: each installer installs on a day in the last 400 days, and a third
     * of them uninstall later.
     */
    public InstallHistory installs(int k) {
        int[][] u = new int[1][];
        int[][] d = new int[1][];
        boolean[][] ins = new boolean[1][];
        int[] count = new int[1];
        installEvents(k, n -> {
            // Each installer adds one install and at most one uninstall.
            u[0] = new int[2 * n];
            d[0] = new int[2 * n];
            ins[0] = new boolean[2 * n];
        }, (user, day, install) -> {
            u[0][count[0]] = user;
            d[0][count[0]] = day;
            ins[0][count[0]++] = install;
        });
        int c = count[0];
        return new InstallHistory(Arrays.copyOf(u[0], c), Arrays.copyOf(d[0], c), Arrays.copyOf(ins[0], c), c);
    }

    /** Receives generated install events. */
    @FunctionalInterface
    public interface InstallEventSink {
        /** One install ({@code install}) or uninstall of a user on an epoch day. */
        void event(int user, int epochDay, boolean install);
    }

    /**
     * The events of {@link #installs(int)} one by one, in generation order (by user), after telling
     * {@code installers} how many users installed the app.
     */
    public void installEvents(int k, java.util.function.IntConsumer installers, InstallEventSink sink) {
        SplittableRandom r = new SplittableRandom(seed * 7919 + k);
        RoaringBitmap users = sample(r, installRate(k));
        installers.accept(users.getCardinality());
        for (var it = users.getIntIterator(); it.hasNext(); ) {
            int user = it.next();
            int day = TODAY - r.nextInt(400);
            sink.event(user, day, true);
            if (r.nextInt(3) == 0) {
                sink.event(user, Math.min(TODAY, day + 1 + r.nextInt(200)), false);
            }
        }
    }

    /** Every app's install history, by package name. */
    public Map<String, InstallHistory> allInstalls() {
        Map<String, InstallHistory> out = new HashMap<>();
        for (int k = 0; k < apps; k++) {
            out.put(appName(k), installs(k));
        }
        return out;
    }

    /** Gender known for 70 % of users, age for 60 % (13..64). */
    public Demographics demographics() {
        SplittableRandom r = new SplittableRandom(seed * 17);
        byte[] g = new byte[users];
        byte[] a = new byte[users];
        for (int i = 0; i < users; i++) {
            int x = r.nextInt(10);
            g[i] = (byte) (x < 7 ? (x < 4 ? Gender.MALE.ordinal() : Gender.FEMALE.ordinal()) : Demographics.UNKNOWN);
            a[i] = (byte) (r.nextInt(10) < 6 ? 13 + r.nextInt(52) : Demographics.UNKNOWN);
        }
        return new Demographics(g, a);
    }

    private RoaringBitmap sample(SplittableRandom r, double p) {
        RoaringBitmap b = new RoaringBitmap();
        if (p >= 1) {
            b.add(0L, users);
            return b;
        }
        double logQ = Math.log1p(-p);
        long i = -1;
        while (true) {
            i += 1 + (long) (Math.log(1 - r.nextDouble()) / logQ);
            if (i >= users) {
                break;
            }
            b.add((int) i);
        }
        b.runOptimize();
        return b;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
