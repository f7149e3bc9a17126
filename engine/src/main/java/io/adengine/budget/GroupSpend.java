package io.adengine.budget;

import io.adengine.model.LocalZone;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What one ad group has spent. The spend fields are written by the ledger thread only and read with
 * plain volatile reads; {@link #reserved} is added to by serving threads (atomic add) and taken from by
 * the ledger; {@link #passPpm} is the pacing rate the ledger sets.
 */
public final class GroupSpend {

    private static final VarHandle RESERVED;

    static {
        try {
            RESERVED = MethodHandles.lookup().findVarHandle(GroupSpend.class, "reserved", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final long adGroupId;
    /** Local day (days since the epoch in the group's time zone) that {@link #daySpent} belongs to. */
    volatile long day = Long.MIN_VALUE;
    volatile long daySpent;
    volatile long totalSpent;
    volatile long reserved;
    volatile int passPpm = 1_000_000;
    /**
     * The pacing plan: daily budget and time-zone offset as of the latest catalog the ledger charged with
     * or the budget gate prepared (written by either, read by the pacing step; 0 daily: not paced).
     */
    volatile long planDailyMicros;
    volatile LocalZone planZone = LocalZone.UTC;
    /** Local day a CPT slot was last charged for (ledger thread only). */
    long cptChargedDay = Long.MIN_VALUE;

    GroupSpend(long adGroupId) {
        this.adGroupId = adGroupId;
    }

    void plan(long dailyMicros, LocalZone zone) {
        if (planDailyMicros != dailyMicros || planZone != zone) {
            planDailyMicros = dailyMicros;
            planZone = zone;
        }
    }

    void addReserved(long micros) {
        RESERVED.getAndAdd(this, micros);
    }

    public long adGroupId() {
        return adGroupId;
    }

    /** Spend of the given local day (0 when the ledger has not charged that day). */
    public long spentOnDay(long localDay) {
        return day == localDay ? daySpent : 0;
    }

    public long totalSpent() {
        return totalSpent;
    }

    public long reserved() {
        return reserved;
    }

    public int passPpm() {
        return passPpm;
    }
}
