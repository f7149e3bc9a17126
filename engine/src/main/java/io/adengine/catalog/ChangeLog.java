package io.adengine.catalog;

import io.adengine.storage.RecordLog;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the catalog store keeps its changes: a {@link RecordLog} of files {@code changes-<first seq>.log},
 * one JSON record per committed change. A new file starts at each store snapshot (compaction), named
 * after the sequence of the first change it will hold. Replay stops at the first torn or corrupt record:
 * changes must follow one another, so files after a cut one are removed.
 */
final class ChangeLog {

    /** Largest payload accepted when reading; anything larger is a corrupt length. */
    static final int MAX_RECORD_BYTES = 64 * 1024 * 1024;
    static final RecordLog.Naming NAMING = new RecordLog.Naming("changes-", ".log");
    /**
     * No buffering: each change is written to the file at once (not yet forced), before the store writes its
     * operation-log entry, so a killed process never leaves an operation logged whose change the log lacks.
     */
    private static final int BUFFER_BYTES = 0;

    private ChangeLog() {
    }

    /** Opens the log for appending in a new file whose first record will have sequence {@code firstSeq}. */
    static RecordLog open(Path dir, long firstSeq) throws IOException {
        return RecordLog.open(dir, NAMING, firstSeq, Long.MAX_VALUE, true, BUFFER_BYTES);
    }

    /** Feeds every intact change record, oldest first, cutting a torn or corrupt tail (and any file after it). */
    static RecordLog.Replay replay(Path dir, RecordLog.RecordReader reader) throws IOException {
        return RecordLog.replay(dir, NAMING, MAX_RECORD_BYTES, RecordLog.AfterCut.DELETE_LATER_SEGMENTS, reader);
    }

    /** The first sequence of a log file from its name, or -1 when the name is not a log file's. */
    static long firstSeqOf(Path file) {
        return NAMING.numberOf(file);
    }

    /** The log files of a folder in sequence order. */
    static List<Path> list(Path dir) throws IOException {
        return RecordLog.segments(dir, NAMING);
    }
}
