package io.adengine.events;

/**
 * Writing numbers and ids as ASCII into byte arrays without allocating: what tokens, trackers and answers
 * are made of on the serving path.
 */
public final class Ascii {

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] BASE64_URL =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private Ascii() {
    }

    /** Writes {@code value} in decimal at {@code pos}; returns the position after it. Needs 20 bytes of room. */
    public static int putDecimal(byte[] dst, int pos, long value) {
        if (value == Long.MIN_VALUE) {
            byte[] min = "-9223372036854775808".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            System.arraycopy(min, 0, dst, pos, min.length);
            return pos + min.length;
        }
        if (value < 0) {
            dst[pos++] = '-';
            value = -value;
        }
        int digits = 1;
        for (long v = value; v >= 10; v /= 10) {
            digits++;
        }
        int end = pos + digits;
        for (int i = end - 1; i >= pos; i--) {
            dst[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return end;
    }

    /** Writes {@code value} as 16 lower-case hex digits at {@code pos}; returns the position after them. */
    public static int putHex16(byte[] dst, int pos, long value) {
        for (int i = 15; i >= 0; i--) {
            dst[pos + i] = HEX[(int) (value & 0xf)];
            value >>>= 4;
        }
        return pos + 16;
    }

    /** Writes {@code src[off .. off + len)} in URL-safe base64 without padding at {@code pos}; returns the position after it. */
    public static int putBase64Url(byte[] src, int off, int len, byte[] dst, int pos) {
        int end = off + len;
        int i = off;
        while (end - i >= 3) {
            int b = (src[i] & 0xff) << 16 | (src[i + 1] & 0xff) << 8 | (src[i + 2] & 0xff);
            dst[pos++] = BASE64_URL[b >>> 18];
            dst[pos++] = BASE64_URL[b >>> 12 & 0x3f];
            dst[pos++] = BASE64_URL[b >>> 6 & 0x3f];
            dst[pos++] = BASE64_URL[b & 0x3f];
            i += 3;
        }
        if (end - i == 1) {
            int b = (src[i] & 0xff) << 16;
            dst[pos++] = BASE64_URL[b >>> 18];
            dst[pos++] = BASE64_URL[b >>> 12 & 0x3f];
        } else if (end - i == 2) {
            int b = (src[i] & 0xff) << 16 | (src[i + 1] & 0xff) << 8;
            dst[pos++] = BASE64_URL[b >>> 18];
            dst[pos++] = BASE64_URL[b >>> 12 & 0x3f];
            dst[pos++] = BASE64_URL[b >>> 6 & 0x3f];
        }
        return pos;
    }
}
