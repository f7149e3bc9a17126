package io.adengine.match;

import io.adengine.index.Snapshot;
import org.roaringbitmap.RoaringBitmap;

/**
 * The user-side filter: the ordinals whose audience, demographic and install-state targeting accept the
 * request's user. Read on the serving path: lock-free, and the result must not be modified.
 */
@FunctionalInterface
public interface UserTargeting {

    /** Knows no users: every request is an unknown user (in no audience, no demographics, no installs). */
    UserTargeting UNKNOWN_USERS = (snapshot, request) -> snapshot.acceptingUnknownUser();

    RoaringBitmap accepting(Snapshot snapshot, AdRequest request);
}
