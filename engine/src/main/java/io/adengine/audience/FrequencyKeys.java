package io.adengine.audience;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * A user's frequency key: the first 64 bits of HMAC-SHA256 over the user's dictionary key (MD5 of the lower-cased
 * GAID), under a key derived from the tracker key. Tracker tokens carry it so the events pipeline can count a user's
 * impressions and clicks for frequency caps; it is pseudonymous (without the engine's key nobody can tell which GAID
 * it belongs to, nor link it to an MD5 audience file), stable across restarts, and the same on every replica of a
 * cluster (they share the tracker key). Never 0 (0 means "no user"). One scratch per thread: no allocation.
 */
public final class FrequencyKeys {

    /** What {@link #of} answers without a usable GAID. */
    public static final long NONE = 0;

    private final byte[] key;
    private final ThreadLocal<Scratch> scratch;

    private final class Scratch {
        final GaidKey gaids = new GaidKey();
        final byte[] md5 = new byte[16];
        final byte[] out = new byte[32];
        final Mac mac;

        Scratch() {
            try {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e);
            }
        }
    }

    /** Keys derived from the tracker HMAC key (so one leaked frequency key does not give away the tracker key). */
    public FrequencyKeys(byte[] trackerKey) {
        try {
            Mac derive = Mac.getInstance("HmacSHA256");
            derive.init(new SecretKeySpec(trackerKey.clone(), "HmacSHA256"));
            this.key = derive.doFinal("adengine frequency key v1".getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
        this.scratch = ThreadLocal.withInitial(Scratch::new);
    }

    /** The frequency key of a raw GAID, or {@link #NONE} when it is absent, malformed or the all-zero id. */
    public long of(CharSequence gaid) {
        if (gaid == null) {
            return NONE;
        }
        Scratch s = scratch.get();
        if (!s.gaids.ofGaid(gaid, s.md5)) {
            return NONE;
        }
        s.mac.update(s.md5, 0, s.md5.length);
        try {
            s.mac.doFinal(s.out, 0);
        } catch (ShortBufferException e) {
            throw new AssertionError("32 bytes hold an HMAC-SHA256", e);
        }
        long k = 0;
        for (int i = 0; i < 8; i++) {
            k = k << 8 | (s.out[i] & 0xff);
        }
        return k == NONE ? 1 : k;
    }
}
