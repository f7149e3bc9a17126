package io.adengine.audience;

import org.roaringbitmap.RoaringBitmap;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The on-disk user data, one folder written by the loader and the admin import and opened by the engine:
 * <pre>
 * DIR/users.cm                  the user dictionary (Chronicle Map)
 * DIR/users-aliases.cm          upper-case-GAID MD5 aliases of users ({@link UserDictionary})
 * DIR/audiences/ID.roaring      one audience, RoaringBitmap portable format over user ids
 * DIR/audiences/ID.match        its last upload's match counts, one line "matched new" (decimal)
 * DIR/profiles.csv              the profile feed ({@link ProfileFeed}), optional
 * </pre>
 * Audience files are replaced atomically (written beside, then moved), so a reader sees the old or the
 * new version. Bitmaps are {@code validate()}d when loaded.
 */
public final class AudienceStore implements AutoCloseable {

    public static final String DICTIONARY = "users.cm";
    public static final String AUDIENCES = "audiences";
    public static final String PROFILES = "profiles.csv";

    private final Path dir;
    private final UserDictionary dictionary;

    private AudienceStore(Path dir, UserDictionary dictionary) {
        this.dir = dir;
        this.dictionary = dictionary;
    }

    /** Opens (creating when absent) the folder and its dictionary. */
    public static AudienceStore open(Path dir, long maxUsers) throws IOException {
        Files.createDirectories(dir.resolve(AUDIENCES));
        return new AudienceStore(dir, UserDictionary.open(dir.resolve(DICTIONARY), maxUsers));
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
        Path profiles = dir.resolve(PROFILES);
        if (!Files.isRegularFile(profiles)) {
            return new UserData(dictionary, audiences, Demographics.NONE, Map.of(), epochDay);
        }
        // Serving only moves forward from the day it opened on, so install histories are compacted to that.
        ProfileFeed.Contents feed = ProfileFeed.read(profiles, dictionary, epochDay);
        return new UserData(dictionary, audiences, feed.demographics(), feed.apps(), epochDay);
    }

    @Override
    public void close() {
        dictionary.close();
    }
}
