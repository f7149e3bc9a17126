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
 * DIR/audiences/ID.roaring      one audience, RoaringBitmap portable format over user ids
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

    /** The users of a parsed file as a bitmap, assigning ids to users new to the dictionary. */
    public RoaringBitmap toBitmap(AudienceUpload.Parsed parsed) {
        RoaringBitmap users = new RoaringBitmap();
        for (byte[] key : parsed.keys()) {
            users.add(dictionary.idOrAssign(key));
        }
        users.runOptimize();
        return users;
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
