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
        GaidKey gaids = new GaidKey();
        byte[] key = new byte[16];
        byte[] upper = new byte[16];
        byte[] genders = new byte[1024];
        byte[] ages = new byte[1024];
        Arrays.fill(genders, (byte) Demographics.UNKNOWN);
        Arrays.fill(ages, (byte) Demographics.UNKNOWN);
        Map<String, Events> apps = new HashMap<>();
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
                String[] f = t.split(",", -1);
                String where = file.getFileName() + " line " + number + ": ";
                if (f.length != 4) {
                    throw new AudienceFileException(where + "expected 4 comma-separated fields, found " + f.length);
                }
                String user = f[1].strip();
                boolean md5 = user.length() == 32;
                boolean ok = md5 ? GaidKey.ofMd5Hex(user, key) : gaids.ofGaidBothCases(user, key, upper);
                if (!ok) {
                    throw new AudienceFileException(where + "field 2 is not a GAID or a GAID MD5");
                }
                // A raw GAID also indexes its upper-case MD5 alias, so upper-case-hashed audiences find the user.
                int id = md5 ? users.idOrAssign(key) : users.idOrAssignRaw(key, upper);
                switch (f[0].strip()) {
                    case "profile" -> {
                        if (id >= genders.length) {
                            int size = Math.max(id + 1, genders.length * 2);
                            genders = grow(genders, size);
                            ages = grow(ages, size);
                        }
                        genders[id] = (byte) gender(f[2].strip(), where);
                        ages[id] = (byte) age(f[3].strip(), where);
                    }
                    case "install", "uninstall" -> {
                        String app = f[2].strip();
                        if (app.isEmpty() || app.length() > 255) {
                            throw new AudienceFileException(where + "field 3 must be an app package name (1..255 characters)");
                        }
                        int day;
                        try {
                            day = (int) LocalDate.parse(f[3].strip()).toEpochDay();
                        } catch (DateTimeParseException e) {
                            throw new AudienceFileException(where + "field 4 must be a date YYYY-MM-DD");
                        }
                        try {
                            apps.computeIfAbsent(app, k -> new Events()).add(InstallHistory.packEvent(id, day, f[0].strip().equals("install")));
                        } catch (IllegalArgumentException e) {
                            throw new AudienceFileException(where + "field 4: " + e.getMessage());
                        }
                    }
                    default -> throw new AudienceFileException(where + "field 1 must be profile, install or uninstall");
                }
            }
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
        return new Contents(new Demographics(grow(genders, size), grow(ages, size)), Map.copyOf(histories), number);
    }

    private static byte[] grow(byte[] a, int size) {
        byte[] b = Arrays.copyOf(a, size);
        if (size > a.length) {
            Arrays.fill(b, a.length, size, (byte) Demographics.UNKNOWN);
        }
        return b;
    }

    private static int gender(String v, String where) throws AudienceFileException {
        return switch (v) {
            case "M", "m" -> Gender.MALE.ordinal();
            case "F", "f" -> Gender.FEMALE.ordinal();
            case "U", "u", "" -> Demographics.UNKNOWN;
            default -> throw new AudienceFileException(where + "field 3 (gender) must be M, F or U");
        };
    }

    private static int age(String v, String where) throws AudienceFileException {
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
        throw new AudienceFileException(where + "field 4 (age) must be 0..200 or empty");
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
