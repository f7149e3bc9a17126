package io.adengine.audience;

/**
 * The published {@link UserData}: serving threads read it with one volatile load; writers (admin import,
 * the daily install-state recompute) build a new version and swap it in, serialised among themselves.
 */
public final class UserDataHolder {

    private volatile UserData current;

    public UserDataHolder(UserData initial) {
        this.current = initial;
    }

    public UserData current() {
        return current;
    }

    /** Applies a change to the current version and publishes the result; writers queue, readers never wait. */
    public synchronized UserData update(java.util.function.UnaryOperator<UserData> change) {
        UserData next = change.apply(current);
        current = next;
        return next;
    }
}
