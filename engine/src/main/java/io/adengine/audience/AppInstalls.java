package io.adengine.audience;

import io.adengine.model.InstallStateTarget;
import org.roaringbitmap.RoaringBitmap;

/**
 * Install state of one app on one day, over user ids: installed now, installed at any time in the last
 * {@value #WINDOW_DAYS} days (including now), ever installed. Immutable; never modify the bitmaps.
 */
public record AppInstalls(RoaringBitmap installedNow, RoaringBitmap installedWithin90Days, RoaringBitmap everInstalled) {

    /** The look-back window of {@link InstallStateTarget#NOT_INSTALLED_WITHIN_90_DAYS}. */
    public static final int WINDOW_DAYS = 90;

    /** Nobody has installed it. */
    public static final AppInstalls NONE = new AppInstalls(new RoaringBitmap(), new RoaringBitmap(), new RoaringBitmap());

    /** Whether an install-state target accepts a known user. */
    public boolean accepts(InstallStateTarget target, int user) {
        return switch (target) {
            case ALL_USERS -> true;
            case ALREADY_INSTALLED -> installedNow.contains(user);
            case NOT_CURRENTLY_INSTALLED -> !installedNow.contains(user);
            case NOT_INSTALLED_WITHIN_90_DAYS -> !installedWithin90Days.contains(user);
            case NEVER_INSTALLED -> !everInstalled.contains(user);
        };
    }
}
