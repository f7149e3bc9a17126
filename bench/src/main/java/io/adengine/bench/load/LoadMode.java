package io.adengine.bench.load;

/** How requests are paced. */
public enum LoadMode {
    /** Each connection sends its next request as soon as the previous answer arrives: maximum throughput. */
    CLOSED,
    /**
     * Requests are due at a fixed rate whatever the server does; latency counts from the due time, so a
     * stalled server is charged for every request it delayed (no coordinated omission).
     */
    OPEN
}
