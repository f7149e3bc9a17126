package io.adengine.model;

/**
 * The syntax of a Google advertising id (GAID): surrounding blanks trimmed, 8-4-4-4-12 hex digits of either case,
 * not the all-zero id devices send when the user limited ad tracking. One parser for every place that reads GAIDs
 * (the dictionary key, the frequency key, the sealed GAID of a click token). Allocation-free.
 */
public final class Gaid {

    /** Length of a GAID in its canonical 8-4-4-4-12 form. */
    public static final int TEXT_LENGTH = 36;
    /** A GAID's bytes (a UUID's). */
    public static final int BYTES = 16;

    private Gaid() {
    }

    /** Parses a GAID into its 16 bytes; false, with {@code out} unspecified, when the text is none (or the all-zero id). */
    public static boolean parse(CharSequence text, byte[] out) {
        if (text == null) {
            return false;
        }
        int start = 0;
        int end = text.length();
        while (start < end && text.charAt(start) <= ' ') {
            start++;
        }
        while (end > start && text.charAt(end - 1) <= ' ') {
            end--;
        }
        if (end - start != TEXT_LENGTH) {
            return false;
        }
        int any = 0;
        int b = 0;
        for (int i = 0; i < TEXT_LENGTH; i++) {
            char c = text.charAt(start + i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return false;
                }
                continue;
            }
            int v = hexValue(c);
            if (v < 0) {
                return false;
            }
            any |= v;
            if ((b & 1) == 0) {
                out[b >> 1] = (byte) (v << 4);
            } else {
                out[b >> 1] |= (byte) v;
            }
            b++;
        }
        return any != 0;
    }

    /** Writes the 8-4-4-4-12 text of 16 GAID bytes into {@code out} (36 ASCII bytes), lower- or upper-case hex digits. */
    public static void format(byte[] gaid, boolean upperCase, byte[] out) {
        int n = 0;
        for (int i = 0; i < BYTES; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                out[n++] = '-';
            }
            out[n++] = digit(gaid[i] >> 4 & 0xf, upperCase);
            out[n++] = digit(gaid[i] & 0xf, upperCase);
        }
    }

    /** The canonical lower-case text of 16 GAID bytes. */
    public static String canonical(byte[] gaid) {
        byte[] text = new byte[TEXT_LENGTH];
        format(gaid, false, text);
        return new String(text, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static byte digit(int v, boolean upperCase) {
        return (byte) (v < 10 ? '0' + v : (upperCase ? 'A' : 'a') + v - 10);
    }

    /** The value of a hex digit of either case, or -1. */
    public static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
