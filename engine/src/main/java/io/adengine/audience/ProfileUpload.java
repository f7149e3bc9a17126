package io.adengine.audience;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses one profile-feed upload pushed in chunks (the admin endpoint streams it): the lines of
 * {@link ProfileFeed}, UTF-8, a BOM, CRLF, blank lines and {@code #} comments accepted. Nothing is
 * assigned or applied here: the parsed records (users as their 16-byte keys, never the raw GAID) wait for
 * {@link AudienceService#importProfiles}, so a rejected upload changes nothing.
 *
 * <p>Two kinds of bad line. A line that is not a feed record at all (not 4 comma-separated fields, a
 * record type other than profile / install / uninstall, longer than {@value #MAX_LINE} bytes) rejects the
 * whole upload, naming the line and the field: the body is probably not a profile feed. A record with a
 * bad value (field 2 not a GAID or GAID MD5, a bad gender, age, package or date) is refused alone:
 * counted, the first {@value #REPORTED_REFUSED} reported by line number and field (never content), the
 * other lines applied. The upload is rejected when it is larger than the limit, is not text (a NUL or
 * other control byte), holds no record, or refuses more lines than it applies.
 */
public final class ProfileUpload {

    /** Largest accepted upload (as audience uploads). */
    public static final long MAX_BYTES = 64L * 1024 * 1024;
    /** Longest accepted line, in bytes. */
    public static final int MAX_LINE = 512;
    /** Refused lines quoted in the report. */
    public static final int REPORTED_REFUSED = 5;
    // Per record: key hi, key lo, alias hi, alias lo, kind | raw << 2 | gender << 8 | age << 16, app << 32 | day.
    private static final int STRIDE = 6;

    /**
     * A parsed upload: its records ({@link #line} reads one back), the apps they name, and the counts of
     * the report: lines read, records kept, lines refused and the first few refusals.
     */
    public static final class Parsed {
        private final long[] records;
        private final int count;
        private final List<String> apps;
        private final long lines;
        private final long refused;
        private final List<String> firstRefused;

        private Parsed(long[] records, int count, List<String> apps, long lines, long refused, List<String> firstRefused) {
            this.records = records;
            this.count = count;
            this.apps = apps;
            this.lines = lines;
            this.refused = refused;
            this.firstRefused = firstRefused;
        }

        /** Records kept (profile, install and uninstall lines with valid values). */
        public int records() {
            return count;
        }

        public long lines() {
            return lines;
        }

        public long refused() {
            return refused;
        }

        /** "line 7: field 2 is not a GAID or a GAID MD5", … (at most {@value #REPORTED_REFUSED}). */
        public List<String> firstRefused() {
            return firstRefused;
        }

        /** Reads record {@code i} into {@code out}. */
        void line(int i, ProfileFeed.Line out) {
            int at = i * STRIDE;
            putLong(out.lower, 0, records[at]);
            putLong(out.lower, 8, records[at + 1]);
            putLong(out.upper, 0, records[at + 2]);
            putLong(out.upper, 8, records[at + 3]);
            long meta = records[at + 4];
            out.kind = (int) (meta & 3);
            out.raw = (meta & 4) != 0;
            out.gender = (int) (meta >>> 8) & 0xFF;
            out.age = (int) (meta >>> 16) & 0xFF;
            long where = records[at + 5];
            out.app = out.kind == ProfileFeed.PROFILE ? null : apps.get((int) (where >>> 32));
            out.day = (int) where;
        }
    }

    private final long maxBytes;
    private final GaidKey gaids = new GaidKey();
    private final ProfileFeed.Line parsed = new ProfileFeed.Line();
    private final byte[] line = new byte[MAX_LINE];
    private final List<String> firstRefused = new ArrayList<>();
    private final List<String> apps = new ArrayList<>();
    private final Map<String, Integer> appIndex = new HashMap<>();
    private long[] records = new long[STRIDE * 1024];
    private int count;
    private int lineLength;
    private boolean lineTooLong;
    private long bytes;
    private long lineNumber = 1;
    private long refused;
    private String rejection;
    private int rejectedField = -1;

    public ProfileUpload() {
        this(MAX_BYTES);
    }

    public ProfileUpload(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Feeds the next chunk. Returns false once the upload is rejected (further chunks are ignored). */
    public boolean accept(byte[] chunk, int offset, int length) {
        if (rejection != null) {
            return false;
        }
        for (int i = offset; i < offset + length; i++) {
            byte b = chunk[i];
            bytes++;
            if (bytes > maxBytes) {
                reject("the upload is larger than the limit of " + maxBytes + " bytes", -1);
                return false;
            }
            if (b == '\n') {
                endLine();
                if (rejection != null) {
                    return false;
                }
                continue;
            }
            if (b == 0 || (b > 0 && b < 0x20 && b != '\t' && b != '\r' && b != '\f') || b == 0x7F) {
                reject("the upload is not text: control byte 0x" + Integer.toHexString(b & 0xFF) + " on line " + lineNumber, -1);
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

    /** Whether the rejection (if any) was for size: the endpoint answers 413 rather than 400. */
    public boolean tooLarge() {
        return rejection != null && bytes > maxBytes;
    }

    /** The field of the line that rejected the upload ("field 1", …, or "body"), for the error's {@code field}. */
    public String rejectedField() {
        return rejectedField > 0 ? "field " + rejectedField : "body";
    }

    /** Ends the upload: the parsed records, or the reason it is rejected. */
    public Parsed finish() throws AudienceFileException {
        if (rejection == null && (lineLength > 0 || lineTooLong)) {
            endLine();
        }
        if (rejection != null) {
            throw new AudienceFileException(rejection);
        }
        String examples = firstRefused.isEmpty() ? "" : " (" + String.join("; ", firstRefused) + ")";
        if (count == 0) {
            rejectedField = -1;
            throw new AudienceFileException("the upload holds no profile, install or uninstall line" + examples);
        }
        if (refused > count) {
            rejectedField = -1;
            throw new AudienceFileException("the upload is mostly invalid: " + refused + " of " + (refused + count)
                    + " records refused" + examples);
        }
        return new Parsed(records, count, List.copyOf(apps), lineNumber - 1, refused, List.copyOf(firstRefused));
    }

    private void reject(String message, int field) {
        rejection = message;
        rejectedField = field;
    }

    private void endLine() {
        long number = lineNumber++;
        int start = 0;
        int end = lineLength;
        lineLength = 0;
        boolean tooLong = lineTooLong;
        lineTooLong = false;
        if (tooLong) {
            reject("line " + number + ": longer than " + MAX_LINE + " bytes; a profile feed line is "
                    + "profile,USER,GENDER,AGE or install|uninstall,USER,PACKAGE,YYYY-MM-DD", -1);
            return;
        }
        if (number == 1 && end >= 3 && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB && line[2] == (byte) 0xBF) {
            start = 3;
        }
        String t = new String(line, start, end - start, StandardCharsets.UTF_8).strip();
        if (t.isEmpty() || t.startsWith("#")) {
            return;
        }
        try {
            ProfileFeed.parse(t, gaids, parsed);
        } catch (ProfileFeed.BadLine e) {
            String why = "line " + number + ": " + e.getMessage();
            if (e.structural) {
                reject(why + "; a profile feed line is profile,USER,GENDER,AGE or install|uninstall,USER,PACKAGE,YYYY-MM-DD",
                        e.field);
                return;
            }
            refused++;
            if (firstRefused.size() < REPORTED_REFUSED) {
                firstRefused.add(why);
            }
            return;
        }
        if ((count + 1) * STRIDE > records.length) {
            records = Arrays.copyOf(records, records.length * 2);
        }
        int at = count * STRIDE;
        records[at] = getLong(parsed.lower, 0);
        records[at + 1] = getLong(parsed.lower, 8);
        records[at + 2] = parsed.raw ? getLong(parsed.upper, 0) : 0;
        records[at + 3] = parsed.raw ? getLong(parsed.upper, 8) : 0;
        if (parsed.kind == ProfileFeed.PROFILE) {
            records[at + 4] = parsed.kind | (parsed.raw ? 4 : 0) | (long) parsed.gender << 8 | (long) parsed.age << 16;
            records[at + 5] = 0;
        } else {
            Integer app = appIndex.get(parsed.app);
            if (app == null) {
                app = apps.size();
                apps.add(parsed.app);
                appIndex.put(parsed.app, app);
            }
            records[at + 4] = parsed.kind | (parsed.raw ? 4 : 0);
            records[at + 5] = (long) app << 32 | (parsed.day & 0xFFFF_FFFFL);
        }
        count++;
    }

    private static long getLong(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (b[at + i] & 0xFF);
        }
        return v;
    }

    private static void putLong(byte[] b, int at, long v) {
        for (int i = 7; i >= 0; i--) {
            b[at + i] = (byte) v;
            v >>>= 8;
        }
    }
}
