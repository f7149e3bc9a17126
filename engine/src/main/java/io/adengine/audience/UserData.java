package io.adengine.audience;

import org.roaringbitmap.RoaringBitmap;

import java.util.HashMap;
import java.util.Map;

/**
 * Everything known about users at one moment, immutable and published as a whole: the dictionary (its
 * ids never change, so it is shared between versions), audiences by id, demographics, and the install
 * state of each app on {@link #epochDay}. A new version is a new instance swapped in by
 * {@link UserDataHolder}; readers never see a half-built one.
 */
public final class UserData {

    private final UserDictionary dictionary;
    private final Map<Long, RoaringBitmap> audiences;
    private final Demographics demographics;
    private final Map<String, InstallHistory> histories;
    private final Map<String, AppInstalls> installs;
    private final int epochDay;

    public UserData(UserDictionary dictionary, Map<Long, RoaringBitmap> audiences, Demographics demographics,
                    Map<String, InstallHistory> histories, int epochDay) {
        this(dictionary, audiences, demographics, histories, epochDay, stateOn(histories, epochDay));
    }

    private UserData(UserDictionary dictionary, Map<Long, RoaringBitmap> audiences, Demographics demographics,
                     Map<String, InstallHistory> histories, int epochDay, Map<String, AppInstalls> installs) {
        this.dictionary = dictionary;
        this.audiences = Map.copyOf(audiences);
        this.demographics = demographics;
        this.histories = Map.copyOf(histories);
        this.epochDay = epochDay;
        this.installs = installs;
    }

    private static Map<String, AppInstalls> stateOn(Map<String, InstallHistory> histories, int epochDay) {
        Map<String, AppInstalls> state = new HashMap<>();
        histories.forEach((app, h) -> state.put(app, h.on(epochDay)));
        return Map.copyOf(state);
    }

    /** Knows no users at all. */
    public static UserData empty(UserDictionary dictionary) {
        return new UserData(dictionary, Map.of(), Demographics.NONE, Map.of(), 0);
    }

    public UserDictionary dictionary() {
        return dictionary;
    }

    /** An audience's users, or {@code null} when no such audience was uploaded. Never modify it. */
    public RoaringBitmap audience(long id) {
        return audiences.get(id);
    }

    public Map<Long, RoaringBitmap> audiences() {
        return audiences;
    }

    public Demographics demographics() {
        return demographics;
    }

    /** Install state of an app on {@link #epochDay} ({@link AppInstalls#NONE} for an app nobody installed). */
    public AppInstalls installs(String app) {
        return installs.getOrDefault(app, AppInstalls.NONE);
    }

    public Map<String, InstallHistory> histories() {
        return histories;
    }

    /** The UTC day the install state is computed for. */
    public int epochDay() {
        return epochDay;
    }

    /** A copy with one audience added or replaced. */
    public UserData withAudience(long id, RoaringBitmap users) {
        Map<Long, RoaringBitmap> next = new HashMap<>(audiences);
        next.put(id, users);
        return new UserData(dictionary, next, demographics, histories, epochDay, installs);
    }

    /**
     * A copy with new demographics and some apps' install histories added or replaced ({@code changed});
     * only those apps' install state is recomputed, the others' is shared.
     */
    public UserData withProfiles(Demographics nextDemographics, Map<String, InstallHistory> changed) {
        Map<String, InstallHistory> nextHistories = new HashMap<>(histories);
        nextHistories.putAll(changed);
        Map<String, AppInstalls> nextInstalls = new HashMap<>(installs);
        changed.forEach((app, h) -> nextInstalls.put(app, h.on(epochDay)));
        return new UserData(dictionary, audiences, nextDemographics, nextHistories, epochDay, Map.copyOf(nextInstalls));
    }

    /** A copy with all demographics and install histories replaced (a re-read of the whole feed). */
    public UserData withAllProfiles(Demographics nextDemographics, Map<String, InstallHistory> nextHistories) {
        return new UserData(dictionary, audiences, nextDemographics, nextHistories, epochDay);
    }

    /** A copy with the install state recomputed for another day. */
    public UserData onDay(int day) {
        return new UserData(dictionary, audiences, demographics, histories, day);
    }

    /** Bytes held by the bitmaps and demographics (the dictionary lives off-heap and is not counted). */
    public long sizeInBytes() {
        long bytes = demographics.sizeInBytes();
        for (RoaringBitmap b : audiences.values()) {
            bytes += b.getLongSizeInBytes();
        }
        for (AppInstalls a : installs.values()) {
            bytes += a.installedNow().getLongSizeInBytes() + a.installedWithin90Days().getLongSizeInBytes()
                    + a.everInstalled().getLongSizeInBytes();
        }
        return bytes;
    }
}
