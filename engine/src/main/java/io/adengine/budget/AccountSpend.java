package io.adengine.budget;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** What one account has spent since the journal began, and what is reserved against it. */
public final class AccountSpend {

    private static final VarHandle RESERVED;

    static {
        try {
            RESERVED = MethodHandles.lookup().findVarHandle(AccountSpend.class, "reserved", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final long accountId;
    volatile long spent;
    volatile long reserved;

    AccountSpend(long accountId) {
        this.accountId = accountId;
    }

    void addReserved(long micros) {
        RESERVED.getAndAdd(this, micros);
    }

    public long accountId() {
        return accountId;
    }

    public long spent() {
        return spent;
    }

    public long reserved() {
        return reserved;
    }
}
