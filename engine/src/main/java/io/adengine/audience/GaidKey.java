package io.adengine.audience;

import io.adengine.model.Gaid;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The dictionary key of a user: MD5 of the trimmed, lower-cased GAID, 16 bytes. One instance per thread
 * (it holds a digest and scratch buffers), so hashing a request's GAID allocates nothing.
 */
public final class GaidKey {

    /** Length of a GAID in its canonical 8-4-4-4-12 form. */
    public static final int GAID_LENGTH = Gaid.TEXT_LENGTH;

    private final MessageDigest md5;
    private final byte[] chars = new byte[GAID_LENGTH];
    private final byte[] upper = new byte[GAID_LENGTH];
    private final byte[] bytes = new byte[Gaid.BYTES];

    public GaidKey() {
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no MD5", e);
        }
    }

    /**
     * Writes the key of a raw GAID into {@code out} (16 bytes). Returns false, writing nothing, when the
     * text (after trimming) is not a GAID in 8-4-4-4-12 hex form or is the all-zero id that devices send
     * when the user limited ad tracking.
     */
    public boolean ofGaid(CharSequence text, byte[] out) {
        if (!normalise(text)) {
            return false;
        }
        digest(chars, out);
        return true;
    }

    /**
     * Writes both keys of a raw GAID: {@code lower} (the dictionary key, as {@link #ofGaid}) and {@code upper},
     * MD5 of the upper-cased GAID, the key an advertiser's tool produces when it hashes the GAID as the device
     * showed it in capitals. Same validation as {@link #ofGaid}. Neither the GAID nor its upper-cased text is
     * kept: only the two hashes leave.
     */
    public boolean ofGaidBothCases(CharSequence text, byte[] lower, byte[] upper) {
        if (!normalise(text)) {
            return false;
        }
        digest(chars, lower);
        digest(upperCase(), upper);
        return true;
    }

    /** Writes MD5 of the trimmed, upper-cased GAID into {@code out}; false (nothing written) as {@link #ofGaid}. */
    public boolean ofGaidUpperCase(CharSequence text, byte[] out) {
        if (!normalise(text)) {
            return false;
        }
        digest(upperCase(), out);
        return true;
    }

    private byte[] upperCase() {
        Gaid.format(bytes, true, upper);
        return upper;
    }

    private void digest(byte[] text, byte[] out) {
        md5.update(text, 0, GAID_LENGTH);
        try {
            md5.digest(out, 0, 16);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Trims and lower-cases a GAID into {@link #chars}; false when it is not one (or is the all-zero id): {@link Gaid#parse}. */
    private boolean normalise(CharSequence text) {
        if (!Gaid.parse(text, bytes)) {
            return false;
        }
        Gaid.format(bytes, false, chars);
        return true;
    }

    /** Parses 32 hex digits (either case, surrounding blanks trimmed) into {@code out}; false when it is not one. */
    public static boolean ofMd5Hex(CharSequence text, byte[] out) {
        int start = 0;
        int end = text.length();
        while (start < end && text.charAt(start) <= ' ') {
            start++;
        }
        while (end > start && text.charAt(end - 1) <= ' ') {
            end--;
        }
        if (end - start != 32) {
            return false;
        }
        for (int i = 0; i < 16; i++) {
            int hi = Gaid.hexValue(text.charAt(start + 2 * i));
            int lo = Gaid.hexValue(text.charAt(start + 2 * i + 1));
            if (hi < 0 || lo < 0) {
                return false;
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return true;
    }

    /** Lower-case hex of a key (for tests and tools; keys are not private, raw GAIDs are). */
    public static String hex(byte[] key) {
        StringBuilder s = new StringBuilder(32);
        for (byte b : key) {
            s.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return s.toString();
    }
}
