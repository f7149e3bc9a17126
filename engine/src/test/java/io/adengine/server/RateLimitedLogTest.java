package io.adengine.server;

import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** A repeated error writes one line per interval, and the next line counts the ones left out. */
class RateLimitedLogTest {

    /** Records formatted lines. */
    static final class Lines extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;
        final List<String> lines = new ArrayList<>();

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String format, Object[] args, Throwable t) {
            lines.add(level + " " + MessageFormatter.basicArrayFormat(format, args));
        }

        @Override
        public boolean isTraceEnabled() {
            return true;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }
    }

    @Test
    void aFloodOfOneErrorShouldWriteOneLinePerIntervalWithTheCountLeftOut() {
        Lines logger = new Lines();
        AtomicLong nanos = new AtomicLong();
        RateLimitedLog log = new RateLimitedLog(logger, RateLimitedLog.Level.ERROR, 1_000, nanos::get);

        for (int i = 0; i < 10_000; i++) {
            log.log("ad request failed: {} at {}", "java.lang.IllegalStateException", "X.y");
            nanos.addAndGet(TimeUnit.MICROSECONDS.toNanos(250));
        }

        // 10,000 errors over 2.5 s with a 1 s interval: lines at 0, 1 and 2 s.
        assertThat(logger.lines).hasSize(3);
        assertThat(logger.lines.get(0)).isEqualTo("ERROR ad request failed: java.lang.IllegalStateException at X.y");
        assertThat(logger.lines.get(1)).endsWith("(and 3999 more like it in the last interval, not logged)");
        assertThat(logger.lines.get(2)).endsWith("(and 3999 more like it in the last interval, not logged)");
        assertThat(log.suppressed()).isEqualTo(1999);
    }
}
