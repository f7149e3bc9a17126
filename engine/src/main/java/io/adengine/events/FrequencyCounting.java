package io.adengine.events;

import io.adengine.frequency.FrequencyCounts;
import io.adengine.index.FrequencyRule;
import io.adengine.index.Snapshot;
import io.adengine.index.SnapshotHolder;
import io.adengine.model.FrequencyCap;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * Feeds frequency caps from the event stream, on one pipeline thread: a counted impression or click of a capped ad
 * group counts for each of its caps (and its campaign's) of that event, under the frequency key its token carries;
 * a served ad counts as pending for the impression caps until its impression comes or the reservation hold ends.
 * Caps are looked up in the current snapshot, so caps count from the moment they are set (an uncapped ad's trackers
 * carry no user key). Duplicate, invalid, refused and failed events count nothing.
 *
 * <p>At each checkpoint it writes the counts to {@value #NAME} beside the journal ({@code "ADFQ"}, int version,
 * long first journal file not covered, the counts, CRC32C of all before; temporary file, forced, renamed); start-up
 * loads it and replays only the later journal files into the counts, so windows longer than the journal's retention
 * (lifetime caps) survive restarts. A missing or bad file (WARN) means replaying every journal file still kept.
 */
final class FrequencyCounting {

    static final String NAME = "frequency.bin";
    private static final int MAGIC = 0x41444651;
    private static final int VERSION = 1;

    private final FrequencyCounts counts;
    private final SnapshotHolder snapshots;
    private final long holdMillis;

    FrequencyCounting(FrequencyCounts counts, SnapshotHolder snapshots, long holdMillis) {
        this.counts = counts;
        this.snapshots = snapshots;
        this.holdMillis = holdMillis;
    }

    /** Counts one event whose journal status is final (live: after the journal handler; replay: as journaled). */
    void apply(BillingEvent e) {
        if (e.userKey == 0 || e.status != BillingEvent.Status.ACCEPTED || e.invalidReason != InvalidReason.NONE) {
            return;
        }
        EventType type = e.type;
        if (type != EventType.SERVED && type != EventType.IMPRESSION && type != EventType.CLICK) {
            return;
        }
        Snapshot s = snapshots.current();
        int o = s.ordinalOf(e.adGroupId);
        FrequencyRule[] rules = o < 0 ? null : s.capRules(o);
        if (rules == null) {
            return;
        }
        for (FrequencyRule r : rules) {
            if (r.event() == FrequencyCap.Event.IMPRESSION) {
                if (type == EventType.SERVED) {
                    counts.pending(e.userKey, r, e.timeMillis, e.timeMillis + holdMillis);
                } else if (type == EventType.IMPRESSION) {
                    counts.count(e.userKey, r, e.timeMillis, true);
                }
            } else if (type == EventType.CLICK) {
                counts.count(e.userKey, r, e.timeMillis, false);
            }
        }
    }

    /** Writes the counts as of journal file {@code firstUncovered}. */
    void writeCheckpoint(Path dir, long firstUncovered) throws IOException {
        Path tmp = dir.resolve(NAME + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            CRC32C crc = new CRC32C();
            OutputStream raw = Channels.newOutputStream(ch);
            DataOutputStream out = new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), crc));
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(firstUncovered);
            counts.writeTo(out);
            out.flush();
            DataOutputStream tail = new DataOutputStream(new BufferedOutputStream(raw, 8));
            tail.writeInt((int) crc.getValue());
            tail.flush();
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Loads the counts written by {@link #writeCheckpoint}; returns the first journal file they do not cover (0: no
     * file, replay every journal file). {@code fresh} makes an empty table of the same limits to load into, so a bad
     * file leaves the counts untouched.
     */
    long loadCheckpoint(Path dir, java.util.function.Supplier<FrequencyCounts> fresh) throws IOException {
        Path file = dir.resolve(NAME);
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        long size = Files.size(file);
        CRC32C crc = new CRC32C();
        FrequencyCounts loaded = fresh.get();
        long first;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            DataInputStream in = new DataInputStream(new CheckedInputStream(new LimitedStream(raw, size - 4), crc));
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                throw new IOException(NAME + " is not a version " + VERSION + " frequency checkpoint");
            }
            first = in.readLong();
            loaded.readFrom(in);
            if (in.read() != -1) {
                throw new IOException(NAME + " has bytes after its counts");
            }
            int expected = new DataInputStream(raw).readInt();
            if (expected != (int) crc.getValue()) {
                throw new IOException(NAME + " fails its checksum");
            }
        }
        counts.copyFrom(loaded);
        return first;
    }

    /** The first {@code limit} bytes of a stream (the file less its checksum). */
    private static final class LimitedStream extends java.io.FilterInputStream {
        private long left;

        LimitedStream(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public void close() {
            // The caller closes the underlying stream.
        }
    }
}
