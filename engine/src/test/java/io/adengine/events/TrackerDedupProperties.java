package io.adengine.events;

import io.adengine.testing.Property;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The dedup table against a map model: a key repeats within one to two windows, and is new after. */
class TrackerDedupProperties {

    private static final long WINDOW = 1_000;

    record Op(int key, int type, long advance, boolean remove) {
    }

    private static List<Op> ops(Property.Gen gen) {
        return gen.lists(1, 400, () -> new Op(gen.ints(0, 19), gen.ints(0, 2), gen.longs(0, 700), gen.oneIn(10)));
    }

    @Test
    void addShouldAnswerWhatAMapOfLastAcceptedWindowsAnswers() {
        Property.forAll(300, gen -> checkAgainstTheMap(ops(gen)));
    }

    private static void checkAgainstTheMap(List<Op> ops) {
        TrackerDedup dedup = new TrackerDedup(WINDOW, 64);
        Map<Long, Long> acceptedInWindow = new HashMap<>();
        EventType[] types = {EventType.IMPRESSION, EventType.CLICK, EventType.CONVERSION};
        long now = 0;
        long lastAddedKey = -1;
        EventType lastAddedType = null;
        for (Op op : ops) {
            now += op.advance();
            long window = now / WINDOW;
            long key = op.key() * 3L + op.type();
            if (op.remove()) {
                if (lastAddedKey >= 0) {
                    dedup.remove(0, lastAddedKey / 3, lastAddedType);
                    acceptedInWindow.remove(lastAddedKey);
                    lastAddedKey = -1;
                }
                continue;
            }
            Long w = acceptedInWindow.get(key);
            boolean expectDuplicate = w != null && window - w <= 1 && (window - w == 0 || remembered(w, window));
            TrackerDedup.Result r = dedup.add(0, op.key(), types[op.type()], now);
            assertThat(r).as("key %d at %d (accepted in window %s)", key, now, w)
                    .isEqualTo(expectDuplicate ? TrackerDedup.Result.DUPLICATE : TrackerDedup.Result.NEW);
            if (r == TrackerDedup.Result.NEW) {
                acceptedInWindow.put(key, window);
                lastAddedKey = key;
                lastAddedType = types[op.type()];
            } else {
                lastAddedKey = -1;
            }
        }
    }

    private static boolean remembered(long acceptedWindow, long window) {
        return window - acceptedWindow == 1;
    }

    @Test
    void addShouldRefuseRatherThanForgetWhenAGenerationIsFull() {
        TrackerDedup dedup = new TrackerDedup(WINDOW, 1_024);
        for (int i = 0; i < 1_024; i++) {
            assertThat(dedup.add(1, i, EventType.IMPRESSION, 10)).isEqualTo(TrackerDedup.Result.NEW);
        }
        assertThat(dedup.add(1, 5_000, EventType.IMPRESSION, 10)).isEqualTo(TrackerDedup.Result.FULL);
        assertThat(dedup.add(1, 7, EventType.IMPRESSION, 10)).isEqualTo(TrackerDedup.Result.DUPLICATE);
        assertThat(dedup.add(1, 5_000, EventType.IMPRESSION, WINDOW + 10)).as("next window").isEqualTo(TrackerDedup.Result.NEW);
        assertThat(dedup.add(1, 7, EventType.IMPRESSION, WINDOW + 10)).as("still remembered").isEqualTo(TrackerDedup.Result.DUPLICATE);
    }
}
