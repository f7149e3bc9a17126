package io.adengine.events;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * A user's frequency key: the first 64 bits of AES-256 over the GAID's 16 bytes (one block), under a key derived from
 * the tracker key with HMAC-SHA256. AES is a pseudorandom permutation, so the key is pseudonymous (without the engine's
 * key nobody can tell which GAID it belongs to, nor link it to an MD5 audience file), the same for the GAID in either
 * case, stable across restarts, and the same on every replica of a cluster (they share the tracker key). Tracker tokens
 * of frequency-capped ads carry it so the events pipeline can count the user's impressions and clicks. Never 0 (0
 * means "no user"). One cipher per thread, initialised once: no allocation per key (the serving path computes it for
 * every request that reaches a capped candidate; no hash of the GAID is needed).
 */
public final class FrequencyKeys {

    /** What {@link #of} answers without a usable GAID. */
    public static final long NONE = 0;

    private static final byte[] LABEL = "adengine/frequency-key/v1".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec key;
    private final ThreadLocal<Scratch> scratch;

    private final class Scratch {
        final byte[] gaid = new byte[GaidSeal.GAID_BYTES];
        final byte[] out = new byte[GaidSeal.GAID_BYTES];
        final Cipher aes;

        Scratch() {
            try {
                aes = Cipher.getInstance("AES/ECB/NoPadding");
                aes.init(Cipher.ENCRYPT_MODE, key);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES is not available", e);
            }
        }
    }

    /** Keys derived from the tracker HMAC key (so a frequency key says nothing about the tracker key). */
    public FrequencyKeys(byte[] trackerKey) {
        try {
            Mac derive = Mac.getInstance("HmacSHA256");
            derive.init(new SecretKeySpec(trackerKey.clone(), "HmacSHA256"));
            this.key = new SecretKeySpec(derive.doFinal(LABEL), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
        this.scratch = ThreadLocal.withInitial(Scratch::new);
    }

    /** The derived AES key (for tests comparing with a plain {@code Cipher}). */
    SecretKeySpec derivedKey() {
        return key;
    }

    /**
     * The frequency key of a raw GAID (blanks trimmed, either case, 8-4-4-4-12 hex), or {@link #NONE} when it is absent,
     * malformed or the all-zero id.
     */
    public long of(CharSequence gaid) {
        Scratch s = scratch.get();
        if (!GaidSeal.parse(gaid, s.gaid)) {
            return NONE;
        }
        try {
            s.aes.doFinal(s.gaid, 0, GaidSeal.GAID_BYTES, s.out, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES over one block failed", e);
        }
        long k = 0;
        for (int i = 0; i < 8; i++) {
            k = k << 8 | (s.out[i] & 0xff);
        }
        return k == NONE ? 1 : k;
    }
}
