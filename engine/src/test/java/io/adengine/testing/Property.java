package io.adengine.testing;

import org.opentest4j.TestAbortedException;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Property checks on plain JUnit 5: a body run over many tries, each drawing its inputs from a
 * {@link Gen} seeded from the run's base seed, so that any failing try can be replayed alone.
 *
 * <pre>{@code
 * @Test
 * void mulDivShouldEqualBigIntegerFloor() {
 *     Property.forAll(5_000, gen -> {
 *         long a = gen.longs(0, Long.MAX_VALUE);
 *         ...
 *         assertThat(Money.mulDiv(a, b, c)).isEqualTo(expected);
 *     });
 * }
 * }</pre>
 *
 * <p>The base seed is new on every run (so that runs keep exploring, as jqwik's did), and try {@code i}
 * uses seed {@code mix(base + i)}. A failing try stops the property with an {@link AssertionError}
 * whose message names the try, its seed and the two ways to repeat it:
 * <ul>
 *   <li>{@code -Dproperty.seed=<seed>} runs every property of the run once, on that seed only, e.g.
 *       {@code mvn -o -q -pl engine test-compile surefire:test -Dtest=MoneyProperties -Dproperty.seed=-4242};
 *       checks made over a whole run (how often decisions filled, how many pairs were compared) are
 *       skipped while replaying ({@link #replaying()}).</li>
 *   <li>{@code -Dproperty.baseSeed=<base>} repeats the whole run, every try in the same order.</li>
 * </ul>
 *
 * <p>The generators mix in the edge cases of what they draw: the ends of a range (and 0, 1, -1 inside
 * it) and the shortest and longest lists, about one draw in eight; other draws spread over every
 * magnitude of the range, not only its top (a uniform long in {@code [0, 2^63)} is almost never small).
 */
public final class Property {

    /** Replays one try: the seed a failure message printed. */
    public static final String SEED_PROP_NAME = "property.seed";
    /** Repeats a whole run: the base seed a failure message printed. */
    public static final String BASE_SEED_PROP_NAME = "property.baseSeed";

    private static final Long REPLAY_SEED = Long.getLong(SEED_PROP_NAME);
    private static final long BASE_SEED = Long.getLong(BASE_SEED_PROP_NAME, ThreadLocalRandom.current().nextLong());

    private Property() {
    }

    /** One try of a property: draws its inputs from {@code gen} and asserts. */
    @FunctionalInterface
    public interface Check {
        void check(Gen gen) throws Exception;
    }

    /**
     * Runs {@code check} {@code tries} times, each on a fresh {@link Gen}; or once, on the seed of
     * {@code -Dproperty.seed}, when replaying. The first failing try ends the run.
     */
    public static void forAll(int tries, Check check) {
        if (tries < 1) {
            throw new IllegalArgumentException("tries must be at least 1, was " + tries);
        }
        if (REPLAY_SEED != null) {
            run(check, REPLAY_SEED, "the replayed seed " + REPLAY_SEED);
            return;
        }
        for (int i = 0; i < tries; i++) {
            long seed = seedOfTry(BASE_SEED, i);
            run(check, seed, "try " + (i + 1) + " of " + tries + ", seed " + seed);
        }
    }

    /** True when {@code -Dproperty.seed} replays one try: checks over the whole run do not apply. */
    public static boolean replaying() {
        return REPLAY_SEED != null;
    }

    static long seedOfTry(long base, int i) {
        // SplitMix64's finalizer: consecutive tries get unrelated seeds, and java.util.Random (which keeps
        // only the low 48 bits) still sees them all differ.
        long z = base + (i + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static void run(Check check, long seed, String which) {
        try {
            check.check(new Gen(seed));
        } catch (TestAbortedException e) {
            throw e;
        } catch (Throwable t) {
            String repeat = replaying() ? "" : "; repeat the run: -D" + BASE_SEED_PROP_NAME + "=" + BASE_SEED;
            throw new AssertionError("property failed on " + which + " (replay this try: -D" + SEED_PROP_NAME + "=" + seed
                    + repeat + "): " + t, t);
        }
    }

    /**
     * The inputs of one try, all drawn from one {@link Random} seeded with {@link #seed()}: the same seed
     * draws the same values in the same order.
     */
    public static final class Gen {

        // About one draw in eight is an edge case of its range.
        private static final int EDGE_ONE_IN = 8;

        private final long seed;
        private final Random random;

        Gen(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
        }

        /** This try's seed: the value {@code -Dproperty.seed} replays. */
        public long seed() {
            return seed;
        }

        /** The try's random source, for fixtures that draw their own values (random catalogs, users). */
        public Random random() {
            return random;
        }

        /**
         * A long in {@code [min, max]}: an edge case (min, max, their neighbours, 0, 1, -1 where in range)
         * one time in eight, otherwise half the time uniform over the range and half the time uniform over
         * a random number of low bits, so that small and large magnitudes both come up.
         */
        public long longs(long min, long max) {
            if (min > max) {
                throw new IllegalArgumentException("min " + min + " > max " + max);
            }
            if (random.nextInt(EDGE_ONE_IN) == 0) {
                List<Long> edges = edges(min, max);
                return edges.get(random.nextInt(edges.size()));
            }
            long span = max - min; // unsigned: up to 2^64 - 1
            if (span == 0) {
                return min;
            }
            int spanBits = 64 - Long.numberOfLeadingZeros(span);
            int bits = random.nextBoolean() ? spanBits : 1 + random.nextInt(spanBits);
            return min + belowOrEqualUnsigned(span, bits);
        }

        /** An int in {@code [min, max]}, with the edge cases and spread of {@link #longs}. */
        public int ints(int min, int max) {
            return (int) longs(min, max);
        }

        /** Any long, edge cases ({@code Long.MIN_VALUE}, {@code Long.MAX_VALUE}, 0, ±1) included. */
        public long anyLong() {
            return longs(Long.MIN_VALUE, Long.MAX_VALUE);
        }

        /** True with probability {@code 1 / n}. */
        public boolean oneIn(int n) {
            return random.nextInt(n) == 0;
        }

        /** A list of {@code [minSize, maxSize]} elements; the shortest and longest lists are edge cases. */
        public <T> List<T> lists(int minSize, int maxSize, Supplier<T> element) {
            int size = ints(minSize, maxSize);
            List<T> list = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                list.add(element.get());
            }
            return list;
        }

        private static List<Long> edges(long min, long max) {
            List<Long> edges = new ArrayList<>();
            for (long e : new long[] {min, max, min + 1, max - 1, 0, 1, -1}) {
                // min + 1 and max - 1 wrap at the ends of long: the range check below drops the wrapped ones.
                if (e >= min && e <= max && !edges.contains(e)) {
                    edges.add(e);
                }
            }
            return edges;
        }

        /** A value in {@code [0, span]} (span unsigned) made of at most {@code bits} low bits. */
        private long belowOrEqualUnsigned(long span, int bits) {
            long mask = bits == 64 ? -1L : (1L << bits) - 1;
            while (true) {
                // Rejection keeps it uniform; bits never exceed the span's, so at least half the draws pass.
                long v = random.nextLong() & mask;
                if (Long.compareUnsigned(v, span) <= 0) {
                    return v;
                }
            }
        }
    }
}
