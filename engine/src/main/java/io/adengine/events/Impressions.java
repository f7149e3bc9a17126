package io.adengine.events;

import io.adengine.match.AdRequest;

import java.nio.charset.StandardCharsets;

/**
 * The impressions of one answer, minted after the decision and before rendering: per slot, the
 * impression id (128 random bits, the first 16 of which carry the request's country) as 32 lower-case hex
 * digits, and its signed tracker tokens, one per {@link TrackerSigner.Purpose} (impression, click, and a
 * conversion token only for view-through ad groups: length 0 otherwise), all as ASCII bytes so the answer is
 * written without building strings. Reused by its owning serving thread, like the decision it belongs to.
 */
public final class Impressions {

    int count;
    long expiresEpochSeconds;
    final long[] hi = new long[AdRequest.MAX_COUNT];
    final long[] lo = new long[AdRequest.MAX_COUNT];
    final byte[][] ids = new byte[AdRequest.MAX_COUNT][32];
    private static final int PURPOSES = TrackerSigner.Purpose.values().length;
    /** {@code tokens[purpose][slot]}. */
    final byte[][][] tokens = new byte[PURPOSES][AdRequest.MAX_COUNT][TrackerSigner.MAX_TOKEN];
    final int[][] tokenLengths = new int[PURPOSES][AdRequest.MAX_COUNT];
    final byte[] scratch = new byte[TrackerSigner.SCRATCH_BYTES];
    /** The request's GAID as 16 bytes, while its click tokens are minted (never kept beyond: overwritten or unused). */
    final byte[] gaid = new byte[16];

    /** How many impressions (the decision's filled slots). */
    public int count() {
        return count;
    }

    /** When the slots' tracker tokens expire, epoch seconds. */
    public long expiresEpochSeconds() {
        return expiresEpochSeconds;
    }

    /** The high 64 bits of slot i's impression id. */
    public long hi(int slot) {
        return hi[slot];
    }

    /** The low 64 bits of slot i's impression id. */
    public long lo(int slot) {
        return lo[slot];
    }

    /** Slot i's impression id, 32 ASCII hex digits (a reused array: copy what you keep). */
    public byte[] idBytes(int slot) {
        return ids[slot];
    }

    /** Slot i's signed token for a purpose, ASCII, in {@code tokenBytes(p, i)[0 .. tokenLength(p, i))} (a reused array). */
    public byte[] tokenBytes(TrackerSigner.Purpose purpose, int slot) {
        return tokens[purpose.ordinal()][slot];
    }

    /** The length of slot i's token for a purpose (0: none, e.g. no conversion token without view-through). */
    public int tokenLength(TrackerSigner.Purpose purpose, int slot) {
        return tokenLengths[purpose.ordinal()][slot];
    }

    /** Slot i's impression id as a string (allocates: tests and diagnostics). */
    public String id(int slot) {
        return new String(ids[slot], StandardCharsets.US_ASCII);
    }

    /** Slot i's token for a purpose as a string (allocates: tests and diagnostics). */
    public String token(TrackerSigner.Purpose purpose, int slot) {
        return new String(tokens[purpose.ordinal()][slot], 0, tokenLengths[purpose.ordinal()][slot], StandardCharsets.US_ASCII);
    }
}
