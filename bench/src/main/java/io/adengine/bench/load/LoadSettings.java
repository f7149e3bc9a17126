package io.adengine.bench.load;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * One load run. Bounded twice: by {@code durationNanos} and by {@code maxRequests} ({@code 0}: no count
 * bound); whatever is still unanswered {@code drainNanos} after the last request was due is given up.
 *
 * @param target       a loopback address; anything else is refused
 * @param bodies       request bodies, sent round robin as {@code POST path}
 * @param connections  keep-alive connections, one request in flight on each (no pipelining)
 * @param threads      client event loops; connections and the open-loop rate are split evenly across them
 * @param ratePerSecond open loop only: requests per second, evenly spaced
 */
public record LoadSettings(InetSocketAddress target, String path, List<byte[]> bodies, int connections, int threads,
                           LoadMode mode, double ratePerSecond, long durationNanos, long maxRequests, long drainNanos) {

    public LoadSettings {
        if (target.getAddress() == null || !target.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("host must be a loopback address (127.0.0.0/8 or ::1), was " + target);
        }
        if (bodies.isEmpty()) {
            throw new IllegalArgumentException("at least one request body is needed");
        }
        if (connections < 1 || connections > 10_000) {
            throw new IllegalArgumentException("connections must be 1..10000, was " + connections);
        }
        if (threads < 1 || threads > connections) {
            throw new IllegalArgumentException("threads must be 1..connections, was " + threads);
        }
        if (mode == LoadMode.OPEN && !(ratePerSecond > 0 && ratePerSecond <= 10_000_000)) {
            throw new IllegalArgumentException("rate must be > 0 and at most 10000000 per second in open loop, was " + ratePerSecond);
        }
        if (durationNanos <= 0 || maxRequests < 0 || drainNanos < 0) {
            throw new IllegalArgumentException("duration must be positive, count and drain not negative");
        }
        bodies = List.copyOf(bodies);
    }
}
