package io.adengine.audience;

import io.adengine.model.Gender;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The profile feed: demographics and install events, one record per line, comma-separated, UTF-8.
 * <pre>
 * # comment; blank lines are ignored
 * profile,USER,GENDER,AGE          GENDER: M, F or U (unknown); AGE: 0..200 or empty (unknown)
 * install,USER,PACKAGE,YYYY-MM-DD
 * uninstall,USER,PACKAGE,YYYY-MM-DD
 * </pre>
 * USER is a raw GAID (8-4-4-4-12 hex, hashed on read) or its MD5 (32 hex). The last profile line of a
 * user wins. Users new to the dictionary get ids. The first malformed line rejects the feed, naming it.
 * The same lines arrive through the admin API ({@link ProfileUpload}), parsed by {@link #parse}.
 */
public final class ProfileFeed {

    /** What a feed holds, resolved to user ids. */
    public record Contents(Demographics demographics, Map<String, InstallHistory> apps, long lines) {
    }

    private ProfileFeed() {
    }

    /** Reads a feed with every app's full install history. */
    public static Contents read(Path file, UserDictionary users) throws IOException, AudienceFileException {
        return read(file, users, Integer.MIN_VALUE);
    }

    /**
     * Reads a feed, each app's install history compacted for days from {@code fromDay} on
     * ({@link InstallHistory#from}; {@link Integer#MIN_VALUE}: keep full histories), one app at a time so that
     * the full histories are never all held at once.
     */
    public static Contents read(Path file, UserDictionary users, int fromDay) throws IOException, AudienceFileException {
        return read(List.of(file), users, fromDay);
    }

    /**
     * Reads several feed files in order as one feed (a later file's profile line of a user wins over an
     * earlier one's; install events of all files are merged), histories compacted as {@link #read(Path,
     * UserDictionary, int)}. {@code lines} counts the lines of all files.
     */
    public static Contents read(List<Path> files, UserDictionary users, int fromDay) throws IOException, AudienceFileException {
        GaidKey gaids = new GaidKey();
        Line parsed = new Line();
        byte[] genders = new byte[1024];
        byte[] ages = new byte[1024];
        Arrays.fill(genders, (byte) Demographics.UNKNOWN);
        Arrays.fill(ages, (byte) Demographics.UNKNOWN);
        Map<String, Events> apps = new HashMap<>();
        long lines = 0;
        for (Path file : files) {
            long number = 0;
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    number++;
                    if (number == 1 && line.startsWith("\uFEFF")) {
                        line = line.substring(1);
                    }
                    String t = line.strip();
                    if (t.isEmpty() || t.startsWith("#")) {
                        continue;
                    }
                    try {
                        parse(t, gaids, parsed);
                    } catch (BadLine e) {
                        throw new AudienceFileException(file.getFileName() + " line " + number + ": " + e.getMessage());
                    }
                    // A raw GAID also indexes its upper-case MD5 alias, so upper-case-hashed audiences find the user.
                    int id = parsed.raw ? users.idOrAssignRaw(parsed.lower, parsed.upper) : users.idOrAssign(parsed.lower);
                    if (parsed.kind == PROFILE) {
                        if (id >= genders.length) {
                            int size = Math.max(id + 1, genders.length * 2);
                            genders = grow(genders, size);
                            ages = grow(ages, size);
                        }
                        genders[id] = (byte) parsed.gender;
                        ages[id] = (byte) parsed.age;
                    } else {
                        apps.computeIfAbsent(parsed.app, k -> new Events()).add(InstallHistory.packEvent(id, parsed.day, parsed.kind == INSTALL));
                    }
                }
            }
            lines += number;
        }
        int size = users.size();
        Map<String, InstallHistory> histories = new HashMap<>();
        for (var it = apps.entrySet().iterator(); it.hasNext(); ) {
            var app = it.next();
            InstallHistory full = InstallHistory.ofPacked(app.getValue().events, app.getValue().count);
            // Drop the app's raw events before the next app is sorted: the peak stays near one app's worth.
            it.remove();
            histories.put(app.getKey(), fromDay == Integer.MIN_VALUE ? full : full.from(fromDay));
        }
        return new Contents(new Demographics(grow(genders, size), grow(ages, size)), Map.copyOf(histories), lines);
    }

    /** Record kinds of a {@link Line}. */
    static final int PROFILE = 0;
    static final int INSTALL = 1;
    static final int UNINSTALL = 2;

    /** Longest accepted app package name. */
    static final int MAX_PACKAGE = 255;

    /**
     * Why a line was refused: the field (1..4) and, in {@link #getMessage}, what is wrong with it, never its
     * content (it may be a raw GAID). {@code structural}: the line is not a feed record at all (field count,
     * record type), as opposed to a record with a bad value.
     */
    static final class BadLine extends Exception {

        private static final long serialVersionUID = 1L;

        final int field;
        final boolean structural;

        BadLine(int field, boolean structural, String message) {
            super(message, null, false, false);
            this.field = field;
            this.structural = structural;
        }
    }

    /** One parsed record before its user has an id; a scratch instance the parser fills. */
    static final class Line {
        int kind;
        /** The user's dictionary key (MD5 of the lower-case GAID, or the MD5 the line gave). */
        final byte[] lower = new byte[16];
        /** MD5 of the upper-case GAID, when {@link #raw}. */
        final byte[] upper = new byte[16];
        /** The line named the user by a raw GAID (so {@link #upper} is its alias). */
        boolean raw;
        int gender;
        int age;
        String app;
        int day;
    }

    /** A record as a feed line, the user as the MD5 hex of its key (never a raw GAID). */
    static String format(Line line) {
        String user = GaidKey.hex(line.lower);
        return switch (line.kind) {
            case PROFILE -> "profile," + user + "," + switch (line.gender) {
                case Demographics.UNKNOWN -> "U";
                default -> line.gender == Gender.MALE.ordinal() ? "M" : "F";
            } + "," + (line.age == Demographics.UNKNOWN ? "" : Integer.toString(line.age));
            case INSTALL -> "install," + user + "," + line.app + "," + LocalDate.ofEpochDay(line.day);
            default -> "uninstall," + user + "," + line.app + "," + LocalDate.ofEpochDay(line.day);
        };
    }

    /** Parses one stripped, non-blank, non-comment line into {@code out}. */
    static void parse(String t, GaidKey gaids, Line out) throws BadLine {
        String[] f = t.split(",", -1);
        if (f.length != 4) {
            throw new BadLine(0, true, "expected 4 comma-separated fields, found " + f.length);
        }
        out.kind = switch (f[0].strip()) {
            case "profile" -> PROFILE;
            case "install" -> INSTALL;
            case "uninstall" -> UNINSTALL;
            default -> throw new BadLine(1, true, "field 1 must be profile, install or uninstall");
        };
        String user = f[1].strip();
        out.raw = user.length() != 32;
        boolean ok = out.raw ? gaids.ofGaidBothCases(user, out.lower, out.upper) : GaidKey.ofMd5Hex(user, out.lower);
        if (!ok) {
            throw new BadLine(2, false, "field 2 is not a GAID or a GAID MD5");
        }
        if (out.kind == PROFILE) {
            out.gender = gender(f[2].strip());
            out.age = age(f[3].strip());
            out.app = null;
            return;
        }
        String app = f[2].strip();
        if (app.isEmpty() || app.length() > MAX_PACKAGE) {
            throw new BadLine(3, false, "field 3 must be an app package name (1.." + MAX_PACKAGE + " characters)");
        }
        int day;
        try {
            day = (int) LocalDate.parse(f[3].strip()).toEpochDay();
            InstallHistory.packEvent(0, day, true);
        } catch (DateTimeParseException e) {
            throw new BadLine(4, false, "field 4 must be a date YYYY-MM-DD");
        } catch (IllegalArgumentException e) {
            throw new BadLine(4, false, "field 4: " + e.getMessage());
        }
        out.app = app;
        out.day = day;
    }

    private static byte[] grow(byte[] a, int size) {
        byte[] b = Arrays.copyOf(a, size);
        if (size > a.length) {
            Arrays.fill(b, a.length, size, (byte) Demographics.UNKNOWN);
        }
        return b;
    }

    private static int gender(String v) throws BadLine {
        return switch (v) {
            case "M", "m" -> Gender.MALE.ordinal();
            case "F", "f" -> Gender.FEMALE.ordinal();
            case "U", "u", "" -> Demographics.UNKNOWN;
            default -> throw new BadLine(3, false, "field 3 (gender) must be M, F or U");
        };
    }

    private static int age(String v) throws BadLine {
        if (v.isEmpty()) {
            return Demographics.UNKNOWN;
        }
        try {
            int age = Integer.parseInt(v);
            if (age >= 0 && age <= 200) {
                return age;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new BadLine(4, false, "field 4 (age) must be 0..200 or empty");
    }

    /** One app's events as they are read, packed ({@link InstallHistory#packEvent}). */
    private static final class Events {
        long[] events = new long[16];
        int count;

        void add(long event) {
            if (count == events.length) {
                // Grow by half: the largest app of workload M has over 5M events.
                events = Arrays.copyOf(events, count + (count >> 1));
            }
            events[count++] = event;
        }
    }
}
