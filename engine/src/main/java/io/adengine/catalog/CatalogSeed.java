package io.adengine.catalog;

import io.adengine.config.ConfigException;
import io.adengine.model.Catalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The configured catalog file ({@code catalog.path}) as the seed of a durable store: it fills an empty store once,
 * the store then writes its first snapshot at once and records the file's SHA-256 ({@value #HASH_FILE}); later
 * starts never read the file again (the store is the truth), and say so in one WARN line when the file has
 * changed since. A missing or unreadable file on the first start is a one-line error naming the key.
 */
public final class CatalogSeed {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogSeed.class);
    static final String HASH_FILE = "seed.sha256";

    private CatalogSeed() {
    }

    /** Whether the store folder holds no catalog yet (no snapshot, no change log): only then is the seed read. */
    public static boolean storeIsEmpty(Path dataDir) {
        try {
            return !Files.isDirectory(dataDir) || !StoreSnapshotFile.exists(dataDir) && ChangeLog.list(dataDir).isEmpty();
        } catch (IOException e) {
            throw new ConfigException("catalog.dataDir", "cannot be read: " + e.getMessage());
        }
    }

    /** Reads the catalog file; any problem is a {@link ConfigException} naming {@code catalog.path}. */
    public static Catalog read(Path file) {
        try {
            return CatalogJson.read(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("catalog.path", "no such file: " + file);
        } catch (CatalogFormatException e) {
            throw new ConfigException("catalog.path", file + " is not a valid catalog: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("catalog.path", "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** After the store was seeded from {@code file}: remembers the file's hash beside the store. */
    static void recordSeeded(Path dataDir, Path file) throws IOException {
        if (file == null || !Files.isRegularFile(file)) {
            return;
        }
        Path tmp = dataDir.resolve(HASH_FILE + ".tmp");
        Files.writeString(tmp, sha256(file) + "  " + file.getFileName() + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, dataDir.resolve(HASH_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** On a start with a store: one WARN when the configured file is no longer the one that seeded it. */
    static void warnIfChanged(Path dataDir, Path file) {
        try {
            Path recorded = dataDir.resolve(HASH_FILE);
            if (file == null || !Files.isRegularFile(file) || !Files.isRegularFile(recorded)) {
                return;
            }
            String was = Files.readString(recorded, StandardCharsets.US_ASCII).split("\\s+", 2)[0];
            if (!was.equals(sha256(file))) {
                LOG.warn("catalog.path {} changed since it seeded the store in {}; the store is the catalog, the file is not read "
                        + "(send changes through the admin API)", file, dataDir);
            }
        } catch (IOException e) {
            LOG.warn("catalog.path {}: cannot compare it with the file that seeded the store: {}", file, e.toString());
        }
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
