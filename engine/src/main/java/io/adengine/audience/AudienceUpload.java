package io.adengine.audience;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses one audience file pushed in chunks (so the admin endpoint can stream an upload and the loader can
 * read a file with the same code): one raw GAID or one GAID-MD5 hex per line. A UTF-8 BOM, CRLF, upper
 * case, blank lines and surrounding blanks are accepted; duplicates are counted and dropped; lines that
 * are not a key of the declared type are counted and the first few reported by line number (never by
 * content, which may be private). The file is rejected when it is larger than the limit, is not text
 * (a NUL or other control byte), has fewer valid distinct entries than the minimum, or has more invalid
 * lines than valid ones.
 */
public final class AudienceUpload {

    /** Largest accepted file (seed 001 §6.1.1). */
    public static final long MAX_BYTES = 64L * 1024 * 1024;
    /** Fewest distinct valid entries an audience may have (seed 001 §6.1.1). */
    public static final int MIN_ENTRIES = 1_000;
    /** Invalid lines quoted in the report. */
    public static final int REPORTED_INVALID = 5;
    private static final int MAX_LINE = 128;

    /** How the file identifies users. */
    public enum KeyType {
        /** Raw GAIDs, 8-4-4-4-12 hex; hashed here and never kept. */
        GAID,
        /** MD5 of the trimmed lower-case GAID, 32 hex digits. */
        MD5
    }

    /**
     * What a parsed file holds: its distinct keys (16 bytes each), for a raw-GAID file the parallel upper-case
     * keys ({@link GaidKey#ofGaidBothCases}; {@code null} for an MD5 file, whose entries were hashed elsewhere),
     * and the counts of the report.
     */
    public record Parsed(byte[][] keys, byte[][] upperKeys, long lines, long valid, long duplicates, long invalid,
                         List<String> firstInvalid) {
    }

    private final KeyType type;
    private final long maxBytes;
    private final int minEntries;
    private final GaidKey gaids = new GaidKey();
    private final byte[] lowerScratch = new byte[16];
    private final byte[] upperScratch = new byte[16];
    private final byte[] line = new byte[MAX_LINE];
    private final StringBuilder text = new StringBuilder(MAX_LINE);
    private final List<String> firstInvalid = new ArrayList<>();
    private byte[][] keys = new byte[1024][];
    private int keyCount;
    private int lineLength;
    private boolean lineTooLong;
    private long bytes;
    private long lineNumber = 1;
    private long blank;
    private long invalid;
    private String rejection;

    public AudienceUpload(KeyType type) {
        this(type, MAX_BYTES, MIN_ENTRIES);
    }

    public AudienceUpload(KeyType type, long maxBytes, int minEntries) {
        this.type = type;
        this.maxBytes = maxBytes;
        this.minEntries = minEntries;
    }

    /** Feeds the next chunk. Returns false once the file is rejected (further chunks are ignored). */
    public boolean accept(byte[] chunk, int offset, int length) {
        if (rejection != null) {
            return false;
        }
        for (int i = offset; i < offset + length; i++) {
            byte b = chunk[i];
            if (bytes < 3 && (bytes == 0 && b == (byte) 0xEF || bytes == 1 && line[0] == (byte) 0xEF && b == (byte) 0xBB
                    || bytes == 2 && line[1] == (byte) 0xBB && b == (byte) 0xBF) && lineLength == bytes) {
                // Possibly a BOM: kept in the line buffer until it is complete, then dropped.
                line[lineLength++] = b;
                bytes++;
                if (bytes == 3) {
                    lineLength = 0;
                }
                continue;
            }
            bytes++;
            if (bytes > maxBytes) {
                rejection = "the file is larger than the limit of " + maxBytes + " bytes (64 MB)";
                return false;
            }
            if (b == '\n') {
                endLine();
                continue;
            }
            if (b == 0 || (b > 0 && b < 0x20 && b != '\t' && b != '\r' && b != '\f') || b == 0x7F) {
                rejection = "the file is not text: control byte 0x" + Integer.toHexString(b & 0xFF) + " on line " + lineNumber
                        + "; upload a text file with one " + describe() + " per line";
                return false;
            }
            if (lineLength < MAX_LINE) {
                line[lineLength++] = b;
            } else {
                lineTooLong = true;
            }
        }
        return true;
    }

    /** Ends the file: the parsed keys, or the reason it is rejected. */
    public Parsed finish() throws AudienceFileException {
        if (rejection == null && (lineLength > 0 || lineTooLong)) {
            endLine();
        }
        if (rejection != null) {
            throw new AudienceFileException(rejection);
        }
        byte[][] sorted = Arrays.copyOf(keys, keyCount);
        Arrays.sort(sorted, Arrays::compareUnsigned);
        int distinct = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (distinct == 0 || !Arrays.equals(sorted[distinct - 1], sorted[i])) {
                sorted[distinct++] = sorted[i];
            }
        }
        long lines = lineNumber - 1;
        String examples = firstInvalid.isEmpty() ? "" : " (" + String.join("; ", firstInvalid) + ")";
        if (invalid > keyCount) {
            throw new AudienceFileException("the file is mostly invalid: " + invalid + " of " + (invalid + keyCount)
                    + " non-blank lines are not a " + describe() + examples);
        }
        if (distinct < minEntries) {
            throw new AudienceFileException("the file has " + distinct + " distinct valid entries; an audience needs at least "
                    + minEntries + examples);
        }
        byte[][] lower = new byte[distinct][];
        byte[][] upper = type == KeyType.GAID ? new byte[distinct][] : null;
        for (int i = 0; i < distinct; i++) {
            // A raw-GAID entry is both keys, 32 bytes, sorted and deduplicated by the lower-case key first.
            lower[i] = sorted[i].length == 16 ? sorted[i] : Arrays.copyOf(sorted[i], 16);
            if (upper != null) {
                upper[i] = Arrays.copyOfRange(sorted[i], 16, 32);
            }
        }
        return new Parsed(lower, upper, lines, keyCount, keyCount - distinct, invalid, List.copyOf(firstInvalid));
    }

    private String describe() {
        return type == KeyType.GAID ? "GAID (8-4-4-4-12 hex)" : "GAID MD5 (32 hex digits)";
    }

    private boolean both(byte[] key) {
        if (!gaids.ofGaidBothCases(text, lowerScratch, upperScratch)) {
            return false;
        }
        System.arraycopy(lowerScratch, 0, key, 0, 16);
        System.arraycopy(upperScratch, 0, key, 16, 16);
        return true;
    }

    private void endLine() {
        long number = lineNumber++;
        int end = lineLength;
        lineLength = 0;
        boolean tooLong = lineTooLong;
        lineTooLong = false;
        int start = 0;
        while (start < end && (line[start] == ' ' || line[start] == '\t' || line[start] == '\r' || line[start] == '\f')) {
            start++;
        }
        while (end > start && (line[end - 1] == ' ' || line[end - 1] == '\t' || line[end - 1] == '\r' || line[end - 1] == '\f')) {
            end--;
        }
        if (start == end && !tooLong) {
            blank++;
            return;
        }
        text.setLength(0);
        for (int i = start; i < end; i++) {
            text.append((char) (line[i] & 0xFF));
        }
        byte[] key = new byte[type == KeyType.GAID ? 32 : 16];
        boolean ok = !tooLong && (type == KeyType.GAID ? both(key) : GaidKey.ofMd5Hex(text, key));
        if (!ok) {
            invalid++;
            if (firstInvalid.size() < REPORTED_INVALID) {
                firstInvalid.add("line " + number + ": not a " + describe());
            }
            return;
        }
        if (keyCount == keys.length) {
            keys = Arrays.copyOf(keys, keys.length * 2);
        }
        keys[keyCount++] = key;
    }
}
