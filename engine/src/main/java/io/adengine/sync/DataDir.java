package io.adengine.sync;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** File-system steps the catalog's durability depends on. */
final class DataDir {

    private DataDir() {
    }

    /** Forces a folder's entries (new, renamed or deleted files) to disk; a no-op where the platform refuses. */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory for reading; their renames are durable on their own terms.
        }
    }
}
