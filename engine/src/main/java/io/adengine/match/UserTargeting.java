package io.adengine.match;

import io.adengine.index.Snapshot;
import org.roaringbitmap.RoaringBitmap;

/**
 * The user-side filter (audiences, demographics, install state). A decision resolves the request's user
 * once ({@link #userOf}), then removes the candidates that user's data rejects
 * ({@link #retainAccepting}), after the request-side bitmaps have narrowed them to a few. Read on the
 * serving path: lock-free and allocation-free.
 */
public interface UserTargeting {

    /** The user id of a request whose GAID is absent, malformed or not in the dictionary. */
    int UNKNOWN_USER = -1;

    /** Knows no users: every request is an unknown user (in no audience, no demographics, no installs). */
    UserTargeting UNKNOWN_USERS = new UserTargeting() {
        @Override
        public int userOf(AdRequest request) {
            return UNKNOWN_USER;
        }

        @Override
        public void retainAccepting(Snapshot snapshot, int user, RoaringBitmap candidates) {
            candidates.and(snapshot.acceptingUnknownUser());
        }

        @Override
        public boolean accepts(Snapshot snapshot, int user, int ordinal) {
            return snapshot.acceptsUnknownUser(ordinal);
        }
    };

    /** The dense user id of the request's GAID, or {@link #UNKNOWN_USER}. */
    int userOf(AdRequest request);

    /** Removes from {@code candidates} every ordinal whose user-side targeting rejects {@code user}. */
    void retainAccepting(Snapshot snapshot, int user, RoaringBitmap candidates);

    /** Whether one ordinal's user-side targeting accepts {@code user}. */
    boolean accepts(Snapshot snapshot, int user, int ordinal);
}
