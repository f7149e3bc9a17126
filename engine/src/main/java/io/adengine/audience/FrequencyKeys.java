package io.adengine.audience;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * A user's frequency key: the first 64 bits of HMAC-SHA256 over the user's dictionary key (MD5 of the lower-cased
 * GAID), under a key derived from the tracker key. The HMAC is composed by hand (RFC 2104) over the JDK's SHA-256
 * {@link MessageDigest}, because {@code javax.crypto.Mac.doFinal} allocates its result on every call and this runs on
 * the serving path; {@code FrequencyKeysTest} checks it equals {@code Mac}'s HmacSHA256. Tracker tokens carry it so the events pipeline can count a user's
 * impressions and clicks for frequency caps; it is pseudonymous (without the engine's key nobody can tell which GAID
 * it belongs to, nor link it to an MD5 audience file), stable across restarts, and the same on every replica of a
 * cluster (they share the tracker key). Never 0 (0 means "no user"). One scratch per thread: no allocation.
 */
public final class FrequencyKeys {

    /** What {@link #of} answers without a usable GAID. */
    public static final long NONE = 0;

    private final byte[] key;
    private final ThreadLocal<Scratch> scratch;

    private static final int BLOCK = 64;
    // The key XOR the inner and outer pads (the key is 32 bytes: shorter than a block, so it is used as is).
    private final byte[] innerPad = new byte[BLOCK];
    private final byte[] outerPad = new byte[BLOCK];

    private static final class Scratch {
        final GaidKey gaids = new GaidKey();
        final byte[] md5 = new byte[16];
        final byte[] out = new byte[32];
        final MessageDigest sha256;

        Scratch() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SHA-256 is not available", e);
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
        for (int i = 0; i < BLOCK; i++) {
            byte k = i < key.length ? key[i] : 0;
            innerPad[i] = (byte) (k ^ 0x36);
            outerPad[i] = (byte) (k ^ 0x5c);
        }
        this.scratch = ThreadLocal.withInitial(Scratch::new);
    }

    /** HMAC-SHA256 of {@code data} under this instance's derived key, into {@code out} (32 bytes); for tests. */
    byte[] hmac(byte[] data) {
        Scratch s = scratch.get();
        hmacInto(s, data);
        return s.out.clone();
    }

    /** The derived key (for tests comparing with {@code javax.crypto.Mac}). */
    byte[] derivedKey() {
        return key.clone();
    }

    private void hmacInto(Scratch s, byte[] data) {
        MessageDigest d = s.sha256;
        try {
            d.update(innerPad);
            d.update(data);
            d.digest(s.out, 0, 32);
            d.update(outerPad);
            d.update(s.out, 0, 32);
            d.digest(s.out, 0, 32);
        } catch (java.security.DigestException e) {
            throw new AssertionError("32 bytes hold a SHA-256 digest", e);
        }
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
        hmacInto(s, s.md5);
        long k = 0;
        for (int i = 0; i < 8; i++) {
            k = k << 8 | (s.out[i] & 0xff);
        }
        return k == NONE ? 1 : k;
    }
}
