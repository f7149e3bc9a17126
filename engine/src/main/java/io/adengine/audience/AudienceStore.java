package io.adengine.audience;

import org.roaringbitmap.RoaringBitmap;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The on-disk user data, one folder written by the loader and the admin import and opened by the engine:
 * <pre>
 * DIR/users.cm                  the user dictionary (Chronicle Map)
 * DIR/users-aliases.cm          upper-case-GAID MD5 aliases of users ({@link UserDictionary})
 * DIR/audiences/ID.roaring      one audience, RoaringBitmap portable format over user ids
 * DIR/audiences/ID.match        its last upload's match counts, one line "matched new" (decimal)
 * DIR/profiles.csv              the profile feed ({@link ProfileFeed}), optional
 * DIR/profile-uploads/N.csv     the profile feed uploads applied through the admin API, in order (N =
 *                               000000001, …), same format, users as the MD5 hex of their key only
 * </pre>
 * Audience files are replaced atomically (written beside, then moved), so a reader sees the old or the
 * new version. Bitmaps are {@code validate()}d when loaded.
 */
public final class AudienceStore implements AutoCloseable {

    public static final String DICTIONARY = "users.cm";
    public static final String AUDIENCES = "audiences";
    public static final String PROFILES = "profiles.csv";
    public static final String PROFILE_UPLOADS = "profile-uploads";

    private final Path dir;
    private final UserDictionary dictionary;
    // The sequence number of the last profile upload written (writer side: the audience service's lock).
    private long lastUpload;

    private AudienceStore(Path dir, UserDictionary dictionary) throws IOException {
        this.dir = dir;
        this.dictionary = dictionary;
        for (Path f : profileUploads()) {
            String name = f.getFileName().toString();
            lastUpload = Math.max(lastUpload, Long.parseLong(name.substring(0, name.length() - ".csv".length())));
        }
    }

    /** Opens (creating when absent) the folder and its dictionary. */
    public static AudienceStore open(Path dir, long maxUsers) throws IOException {
        Files.createDirectories(dir.resolve(AUDIENCES));
        Files.createDirectories(dir.resolve(PROFILE_UPLOADS));
        UserDictionary dictionary = UserDictionary.open(dir.resolve(DICTIONARY), maxUsers);
        try {
            return new AudienceStore(dir, dictionary);
        } catch (IOException | RuntimeException e) {
            dictionary.close();
            throw e;
        }
    }

    public UserDictionary dictionary() {
        return dictionary;
    }

    public Path dir() {
        return dir;
    }

    /**
     * An imported file's users and how many of its distinct entries named users the dictionary already knew
     * ({@code matched}: by their key or alias, seen in the profile feed or an earlier upload) or not
     * ({@code created}: they got new ids, under the key as the file gave it).
     */
    public record Imported(RoaringBitmap users, long matched, long created) {

        /** Matched share in percent, one decimal (0 for an empty file). */
        public double matchedPercent() {
            long all = matched + created;
            return all == 0 ? 0 : Math.round(matched * 1000.0 / all) / 10.0;
        }
    }

    /** The users of a parsed file as a bitmap, assigning ids to users new to the dictionary. */
    public RoaringBitmap toBitmap(AudienceUpload.Parsed parsed) {
        return importKeys(parsed).users();
    }

    /**
     * The users of a parsed file, assigning ids to users new to the dictionary, with the matched and new
     * counts. Raw-GAID entries also index their upper-case alias ({@link UserDictionary#idOrAssignRaw}).
     */
    public Imported importKeys(AudienceUpload.Parsed parsed) {
        RoaringBitmap users = new RoaringBitmap();
        byte[][] keys = parsed.keys();
        byte[][] upper = parsed.upperKeys();
        long matched = 0;
        for (int i = 0; i < keys.length; i++) {
            boolean known = dictionary.idOf(keys[i]) != UserDictionary.UNKNOWN
                    || upper != null && dictionary.idOf(upper[i]) != UserDictionary.UNKNOWN;
            if (known) {
                matched++;
            }
            users.add(upper == null ? dictionary.idOrAssign(keys[i]) : dictionary.idOrAssignRaw(keys[i], upper[i]));
        }
        users.runOptimize();
        return new Imported(users, matched, keys.length - matched);
    }

    /** Writes an audience, replacing any previous version atomically. */
    public void save(long audienceId, RoaringBitmap users) throws IOException {
        Path target = dir.resolve(AUDIENCES).resolve(audienceId + ".roaring");
        Path tmp = dir.resolve(AUDIENCES).resolve(audienceId + ".roaring.tmp");
        try (OutputStream out = Files.newOutputStream(tmp); DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out))) {
            users.serialize(data);
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes an audience's match counts ({@code ID.match}), replacing any previous version atomically. */
    public void saveMatch(long audienceId, long matched, long created) throws IOException {
        Path target = dir.resolve(AUDIENCES).resolve(audienceId + ".match");
        Path tmp = dir.resolve(AUDIENCES).resolve(audienceId + ".match.tmp");
        Files.writeString(tmp, matched + " " + created + "\n");
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The match counts of every audience that has them, by id: {matched, new}. Audiences imported before
     * counts were kept (or by a loader that did not write them) have none.
     */
    public Map<Long, long[]> readMatches() throws IOException {
        Map<Long, long[]> out = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir.resolve(AUDIENCES), "*.match")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                try {
                    long id = Long.parseLong(name.substring(0, name.length() - ".match".length()));
                    String[] v = Files.readString(f).strip().split(" ");
                    out.put(id, new long[]{Long.parseLong(v[0]), Long.parseLong(v[1])});
                } catch (RuntimeException e) {
                    // Counts are a report, not serving state: a damaged file loses the counts, not the audience.
                    continue;
                }
            }
        }
        return out;
    }

    /** Reads one audience file, rejecting a bitmap that does not validate. */
    public static RoaringBitmap readAudience(Path file) throws IOException, AudienceFileException {
        RoaringBitmap users = new RoaringBitmap();
        try (InputStream in = Files.newInputStream(file); DataInputStream data = new DataInputStream(new BufferedInputStream(in))) {
            users.deserialize(data);
            if (data.read() != -1) {
                throw new AudienceFileException(file.getFileName() + ": trailing bytes after the bitmap");
            }
        } catch (IOException | RuntimeException e) {
            throw new AudienceFileException(file.getFileName() + ": not a RoaringBitmap in portable format (" + e.getClass().getSimpleName() + ")");
        }
        if (!Boolean.TRUE.equals(users.validate())) {
            throw new AudienceFileException(file.getFileName() + ": the bitmap does not validate");
        }
        return users;
    }

    /** Every audience in the folder by id. */
    public Map<Long, RoaringBitmap> readAudiences() throws IOException, AudienceFileException {
        Map<Long, RoaringBitmap> audiences = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir.resolve(AUDIENCES), "*.roaring")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                long id;
                try {
                    id = Long.parseLong(name.substring(0, name.length() - ".roaring".length()));
                } catch (NumberFormatException e) {
                    throw new AudienceFileException(name + ": audience files are named ID.roaring with a numeric ID");
                }
                audiences.put(id, readAudience(f));
            }
        }
        return audiences;
    }

    /** Everything in the folder, with install state computed for {@code epochDay}. */
    public UserData load(int epochDay) throws IOException, AudienceFileException {
        Map<Long, RoaringBitmap> audiences = readAudiences();
        List<Path> feed = profileFiles();
        if (feed.isEmpty()) {
            return new UserData(dictionary, audiences, Demographics.NONE, Map.of(), epochDay);
        }
        ProfileFeed.Contents contents = readProfiles(epochDay);
        return new UserData(dictionary, audiences, contents.demographics(), contents.apps(), epochDay);
    }

    /**
     * The whole profile feed (profiles.csv, then every upload in order), install histories compacted to the
     * day before {@code epochDay}: serving only moves forward from the day it opened on, and events dated
     * that day or later (the live feed's) then merge into the compacted histories exactly
     * ({@link InstallHistory#withEvents}).
     */
    public ProfileFeed.Contents readProfiles(int epochDay) throws IOException, AudienceFileException {
        return ProfileFeed.read(profileFiles(), dictionary, epochDay - 1);
    }

    /** The feed files in the order they apply: profiles.csv (when present), then the uploads by number. */
    public List<Path> profileFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        Path profiles = dir.resolve(PROFILES);
        if (Files.isRegularFile(profiles)) {
            files.add(profiles);
        }
        files.addAll(profileUploads());
        return files;
    }

    private List<Path> profileUploads() throws IOException {
        List<Path> files = new ArrayList<>();
        Path uploads = dir.resolve(PROFILE_UPLOADS);
        if (!Files.isDirectory(uploads)) {
            return files;
        }
        try (DirectoryStream<Path> list = Files.newDirectoryStream(uploads, "*.csv")) {
            for (Path f : list) {
                if (f.getFileName().toString().matches("[0-9]{9,18}\\.csv")) {
                    files.add(f);
                }
            }
        }
        // Fixed-width numbers: the name order is the upload order.
        files.sort(Comparator.comparing(f -> f.getFileName().toString()));
        return files;
    }

    /**
     * Writes the records of an applied upload as the next {@code profile-uploads/N.csv} (written beside,
     * forced to disk, then moved in atomically, so a restart reads all of it or none), users as the MD5
     * hex of their key: the raw GAID is never written. Returns the file.
     */
    public Path saveProfileUpload(ProfileUpload.Parsed parsed) throws IOException {
        long number = lastUpload + 1;
        Path uploads = dir.resolve(PROFILE_UPLOADS);
        Files.createDirectories(uploads);
        Path target = uploads.resolve(String.format(Locale.ROOT, "%09d.csv", number));
        Path tmp = uploads.resolve(String.format(Locale.ROOT, "%09d.csv.tmp", number));
        ProfileFeed.Line line = new ProfileFeed.Line();
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
             Writer out = new BufferedWriter(Channels.newWriter(channel, StandardCharsets.UTF_8), 1 << 16)) {
            out.write("# profile feed upload " + number + ", " + parsed.records() + " records (admin API)\n");
            for (int i = 0; i < parsed.records(); i++) {
                parsed.line(i, line);
                out.write(ProfileFeed.format(line));
                out.write('\n');
            }
            out.flush();
            channel.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        lastUpload = number;
        return target;
    }

    @Override
    public void close() {
        dictionary.close();
    }
}
