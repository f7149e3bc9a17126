package io.adengine.server;

import org.slf4j.Logger;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One kind of repeated error, logged at most once per interval: the first occurrence is written at once,
 * later ones within the interval are only counted, and the next line written says how many were left out.
 * Safe from any thread without locks (one compare-and-set decides who writes), and allocation-free when a
 * line is suppressed. One instance per kind of error, so that a flood of one kind does not hide another.
 *
 * <p>Messages must not carry private data (GAIDs, IP addresses, request content): callers pass the type
 * of a failure and where it happened, never its message when that may quote the request.
 */
final class RateLimitedLog {

    /** The level lines are written at. */
    enum Level { ERROR, WARN }

    private final Logger logger;
    private final Level level;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final AtomicLong nextLineNanos;
    private final AtomicLong suppressed = new AtomicLong();

    RateLimitedLog(Logger logger, Level level, long intervalMillis) {
        this(logger, level, intervalMillis, System::nanoTime);
    }

    /** With a given clock (tests). */
    RateLimitedLog(Logger logger, Level level, long intervalMillis, LongSupplier nanoClock) {
        this.logger = logger;
        this.level = level;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
        this.nanoClock = nanoClock;
        this.nextLineNanos = new AtomicLong(nanoClock.getAsLong());
    }

    /** Logs {@code format} (slf4j placeholders, at most two arguments) unless a line was written less than an interval ago. */
    void log(String format, Object first, Object second) {
        long now = nanoClock.getAsLong();
        long next = nextLineNanos.get();
        // Only the thread that moves the deadline writes; every other one in the interval just counts.
        if (now - next < 0 || !nextLineNanos.compareAndSet(next, now + intervalNanos)) {
            suppressed.incrementAndGet();
            return;
        }
        long left = suppressed.getAndSet(0);
        String line = left == 0 ? format : format + " (and " + left + " more like it in the last interval, not logged)";
        if (level == Level.ERROR) {
            logger.error(line, first, second);
        } else {
            logger.warn(line, first, second);
        }
    }

    void log(String format, Object argument) {
        log(format, argument, null);
    }

    /** Occurrences counted but not yet reported in a line. */
    long suppressed() {
        return suppressed.get();
    }
}
