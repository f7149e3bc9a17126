package io.adengine.events;

import io.adengine.model.BidModel;

/**
 * One preallocated ring slot. Publishers fill the durable fields; the journal handler sets
 * {@link #status}; the ledger sets {@link #chargedMicros}; the later handlers read both. Only the
 * durable fields are journaled.
 */
public final class BillingEvent {

    /** What the journal handler decided about the event. */
    public enum Status {
        /** Journaled (and forced to disk when fsync is on). */
        ACCEPTED,
        /** A tracker token already counted inside the dedup window. */
        DUPLICATE,
        /** Refused: the dedup table is full. */
        REFUSED,
        /** Journaled as invalid (see {@link BillingEvent#invalidReason}): counted by reason, never charged. */
        INVALID,
        /** The journal could not be written. */
        FAILED
    }

    /** Told, on the journal thread, what became of a tracker event once its batch is on disk. */
    @FunctionalInterface
    public interface Acknowledger {
        /** {@code reason} is {@link InvalidReason#NONE} unless the status is {@link Status#INVALID}. */
        void acknowledged(Status status, InvalidReason reason);
    }

    EventType type;
    long timeMillis;
    long impressionHi;
    long impressionLo;
    long adSpaceId;
    long publisherId;
    long campaignId;
    long adGroupId;
    long accountId;
    long creativeId;
    BidModel billing;
    /** Account-currency micros per billing unit, from the decision (and the signed token). */
    long chargePerUnit;
    /** Expected cost reserved against the budget when served; 0 for tracker events. */
    long reservedMicros;
    long expiresEpochSeconds;
    /** ISO country of the request, two ASCII letters packed, 0 unknown. */
    short country;
    /** The user's frequency key (from the token, or the decision for a served event) when the ad is capped; 0 otherwise. */
    long userKey;
    /** Set by the journal thread (and journaled): why a tracker event does not count. */
    InvalidReason invalidReason = InvalidReason.NONE;
    /** The most bytes of a conversion event name ({@link io.adengine.model.AdGroup#EVENT_NAME}). */
    public static final int EVENT_NAME_MAX = 64;
    /** CONVERSION events: the event name in ASCII, {@code eventName[0..eventNameLength)}; empty for a conversion without one. */
    final byte[] eventName = new byte[EVENT_NAME_MAX];
    int eventNameLength;
    /** CONVERSION events: the revenue the partner reported, account-currency micros (0: none). */
    long revenueMicros;
    /**
     * CONVERSION events: whether the event is a goal of its ad group (set by the journal thread, journaled): charged
     * and counted as a conversion; otherwise an other conversion, reported but never charged.
     */
    boolean goal = true;

    Acknowledger ack;
    Status status;
    long chargedMicros;
    /** CHECKPOINT events: the first journal file the checkpoint does not cover (set by the journal handler). */
    long checkpointFile;
    /** CHECKPOINT events: the ledger's state (set by the ledger handler), or {@code null} when it could not be written. */
    byte[] checkpointLedger;
    /** What the event would have cost beyond what its budgets had left: not charged (0 when fully charged). */
    long unchargedMicros;
    boolean overBudget;

    void clear() {
        type = null;
        timeMillis = 0;
        impressionHi = 0;
        impressionLo = 0;
        adSpaceId = 0;
        publisherId = 0;
        campaignId = 0;
        adGroupId = 0;
        accountId = 0;
        creativeId = 0;
        billing = BidModel.CPM;
        chargePerUnit = 0;
        reservedMicros = 0;
        expiresEpochSeconds = 0;
        country = 0;
        userKey = 0;
        invalidReason = InvalidReason.NONE;
        eventNameLength = 0;
        revenueMicros = 0;
        goal = true;
        ack = null;
        status = null;
        chargedMicros = 0;
        checkpointFile = 0;
        checkpointLedger = null;
        unchargedMicros = 0;
        overBudget = false;
    }

    /** Copies the durable fields (for tests and replay). */
    void copyFrom(BillingEvent o) {
        type = o.type;
        timeMillis = o.timeMillis;
        impressionHi = o.impressionHi;
        impressionLo = o.impressionLo;
        adSpaceId = o.adSpaceId;
        publisherId = o.publisherId;
        campaignId = o.campaignId;
        adGroupId = o.adGroupId;
        accountId = o.accountId;
        creativeId = o.creativeId;
        billing = o.billing;
        chargePerUnit = o.chargePerUnit;
        reservedMicros = o.reservedMicros;
        expiresEpochSeconds = o.expiresEpochSeconds;
        country = o.country;
        userKey = o.userKey;
        invalidReason = o.invalidReason;
        System.arraycopy(o.eventName, 0, eventName, 0, o.eventNameLength);
        eventNameLength = o.eventNameLength;
        revenueMicros = o.revenueMicros;
        goal = o.goal;
    }

    /**
     * Sets the conversion event name (ASCII letters, digits, '_', '.', '-'; checked by the caller); {@code null} or
     * empty: none.
     */
    void eventName(String name) {
        int n = name == null ? 0 : Math.min(name.length(), EVENT_NAME_MAX);
        for (int i = 0; i < n; i++) {
            eventName[i] = (byte) name.charAt(i);
        }
        eventNameLength = n;
    }

    /** The conversion event name ("" when none): allocates, for reports and tests, not for the handlers. */
    public String eventName() {
        return new String(eventName, 0, eventNameLength, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * The low half of the id the dedup table keys this event by: the impression's, and for a named conversion that
     * mixed with the name's hash, so that an install and a purchase of one click are two events and two installs one.
     * A conversion without a name keys as conversions always did (old journals dedup the same on replay).
     */
    long dedupLo() {
        if (type != EventType.CONVERSION || eventNameLength == 0) {
            return impressionLo;
        }
        // FNV-1a over the name, then a finaliser: names differing in one byte land far apart.
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < eventNameLength; i++) {
            h = (h ^ (eventName[i] & 0xff)) * 0x100000001b3L;
        }
        h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
        return impressionLo ^ (h ^ (h >>> 33));
    }

    public EventType type() { return type; }
    public long timeMillis() { return timeMillis; }
    public long impressionHi() { return impressionHi; }
    public long impressionLo() { return impressionLo; }
    public long adSpaceId() { return adSpaceId; }
    public long publisherId() { return publisherId; }
    public long campaignId() { return campaignId; }
    public long adGroupId() { return adGroupId; }
    public long accountId() { return accountId; }
    public long creativeId() { return creativeId; }
    public BidModel billing() { return billing; }
    public long chargePerUnit() { return chargePerUnit; }
    public long reservedMicros() { return reservedMicros; }
    public long expiresEpochSeconds() { return expiresEpochSeconds; }
    public short country() { return country; }
    public long userKey() { return userKey; }
    public InvalidReason invalidReason() { return invalidReason; }
    public long revenueMicros() { return revenueMicros; }
    /** Whether a conversion is a goal of its ad group (true for every other type). */
    public boolean goal() { return goal; }
    public Status status() { return status; }
    public long chargedMicros() { return chargedMicros; }
    public long unchargedMicros() { return unchargedMicros; }
    public boolean overBudget() { return overBudget; }

    /** Packs a two-letter country code; anything else is 0 (unknown). */
    public static short packCountry(String iso) {
        if (iso == null || iso.length() != 2) {
            return 0;
        }
        char a = Character.toUpperCase(iso.charAt(0));
        char b = Character.toUpperCase(iso.charAt(1));
        if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z') {
            return 0;
        }
        return (short) (a << 8 | b);
    }

    /** The two letters of a packed country, or "--" for unknown. */
    public static String countryName(short packed) {
        if (packed == 0) {
            return "--";
        }
        return new String(new char[]{(char) (packed >>> 8 & 0xff), (char) (packed & 0xff)});
    }
}
