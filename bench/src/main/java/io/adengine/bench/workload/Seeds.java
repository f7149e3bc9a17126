package io.adengine.bench.workload;

/** Seed mixing so that every part of a workload draws from its own independent stream. */
final class Seeds {

    private Seeds() {
    }

    /** A well-mixed 64-bit value of (seed, index): SplitMix64's finaliser over both. */
    static long mix(long seed, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
