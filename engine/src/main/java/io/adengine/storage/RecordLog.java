package io.adengine.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * An append-only, checksummed record log: the one durable log of the engine, used by the event journal
 * and by the catalog's change log.
 *
 * <p>A log is a folder of segment files {@code <prefix><20-digit number><suffix>}, read in number order.
 * Each file is a sequence of records {@code [int length][int CRC32C(payload)][payload]} (big-endian).
 * Appends are buffered; {@link #commit} writes the buffer and forces the file (group commit: a batch
 * of appends shares one fsync), and {@link #awaitDurable} lets several writer threads share one fsync.
 * A segment past {@code rollBytes} is closed at the next commit and a new one started; {@link #roll}
 * starts one on demand. Every new file's folder entry is forced before anything is written to it, so a
 * forced record never sits in a file that a crash could make vanish.
 *
 * <p>{@link #replay} reads every segment in order and, at the first torn or corrupt record of a file,
 * cuts that file there (and reports it). Positions returned by {@link #append} count bytes appended since
 * the log was opened, across segments, so a position stays meaningful through a roll.
 *
 * <p>Threading: appends and commits may come from several threads; they are serialised inside.
 */
public final class RecordLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RecordLog.class);
    /** Bytes of a record's header: length and checksum. */
    public static final int HEADER_BYTES = 8;

    private final Path dir;
    private final Naming naming;
    private final long rollBytes;
    private final boolean force;
    private final ByteBuffer buffer;
    private final CRC32C crc = new CRC32C();
    private final Object appendLock = new Object();
    private final Object forceLock = new Object();
    private FileChannel channel;
    private long number;
    private long fileBytes;
    /** Bytes appended since open, buffered ones included (guarded by appendLock). */
    private long appended;
    /** Bytes known forced to disk (guarded by forceLock). */
    private long durable;

    /** How a log's segment files are named: {@code prefix + 20-digit number + suffix}. */
    public record Naming(String prefix, String suffix) {

        public String fileName(long number) {
            return String.format("%s%020d%s", prefix, number, suffix);
        }

        /** The number of a segment file from its name, or -1 when the name is not one of this log's. */
        public long numberOf(Path file) {
            String name = file.getFileName().toString();
            if (!name.startsWith(prefix) || !name.endsWith(suffix) || name.length() != prefix.length() + 20 + suffix.length()) {
                return -1;
            }
            try {
                return Long.parseLong(name, prefix.length(), prefix.length() + 20, 10);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }

    private RecordLog(Path dir, Naming naming, long rollBytes, boolean force, int bufferBytes) {
        this.dir = dir;
        this.naming = naming;
        this.rollBytes = rollBytes;
        this.force = force;
        this.buffer = ByteBuffer.allocateDirect(bufferBytes);
    }

    /**
     * Opens a log for appending, starting a new segment numbered {@code firstNumber} (an existing file of
     * that name is emptied: callers pick a number after every segment holding records, see {@link #replay}).
     *
     * @param rollBytes   a segment at least this large is closed at the next {@link #commit} ({@link Long#MAX_VALUE}: never)
     * @param force       whether {@link #commit} forces the file (off only for benchmarks)
     * @param bufferBytes appends are gathered in a buffer of this size; a larger record is written at once
     */
    public static RecordLog open(Path dir, Naming naming, long firstNumber, long rollBytes, boolean force, int bufferBytes)
            throws IOException {
        Files.createDirectories(dir);
        RecordLog log = new RecordLog(dir, naming, rollBytes, force, bufferBytes);
        log.start(firstNumber);
        return log;
    }

    private void start(long segmentNumber) throws IOException {
        channel = FileChannel.open(dir.resolve(naming.fileName(segmentNumber)), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        number = segmentNumber;
        fileBytes = 0;
        syncDirectory(dir);
    }

    /** The number of the segment being appended to. */
    public long segmentNumber() {
        synchronized (appendLock) {
            return number;
        }
    }

    /** The position after the last append (bytes appended since open). */
    public long position() {
        synchronized (appendLock) {
            return appended;
        }
    }

    /** Appends one record (buffered, not yet durable) and returns the position after it. */
    public long append(byte[] payload, int offset, int length) throws IOException {
        synchronized (appendLock) {
            crc.reset();
            crc.update(payload, offset, length);
            int record = HEADER_BYTES + length;
            if (buffer.remaining() < record) {
                writeBuffer();
            }
            if (buffer.remaining() >= record) {
                buffer.putInt(length).putInt((int) crc.getValue()).put(payload, offset, length);
            } else {
                ByteBuffer direct = ByteBuffer.allocate(record);
                direct.putInt(length).putInt((int) crc.getValue()).put(payload, offset, length).flip();
                while (direct.hasRemaining()) {
                    fileBytes += channel.write(direct);
                }
            }
            appended += record;
            return appended;
        }
    }

    /** Appends one record of a whole array. */
    public long append(byte[] payload) throws IOException {
        return append(payload, 0, payload.length);
    }

    /**
     * Writes what is buffered and forces it to disk (when forcing is on); then rolls a full segment.
     *
     * @return the nanoseconds the force took (the fsync of this group commit), 0 when forcing is off
     */
    public long commit() throws IOException {
        long forceNanos = 0;
        synchronized (forceLock) {
            long target;
            boolean full;
            synchronized (appendLock) {
                writeBuffer();
                target = appended;
                full = fileBytes >= rollBytes;
            }
            if (force) {
                long start = System.nanoTime();
                channel.force(false);
                forceNanos = Math.max(1, System.nanoTime() - start);
            }
            durable = target;
            if (full) {
                synchronized (appendLock) {
                    rollTo(number + 1);
                }
            }
        }
        return forceNanos;
    }

    /** Returns once everything appended up to {@code position} is on disk; one fsync serves every waiter behind it. */
    public void awaitDurable(long position) throws IOException {
        synchronized (forceLock) {
            if (durable >= position) {
                return;
            }
            long target;
            synchronized (appendLock) {
                writeBuffer();
                target = appended;
            }
            channel.force(false);
            durable = target;
        }
    }

    /** Closes the current segment (everything in it forced) and continues in a new one numbered {@code nextNumber}. */
    public void roll(long nextNumber) throws IOException {
        synchronized (forceLock) {
            synchronized (appendLock) {
                rollTo(nextNumber);
            }
        }
    }

    private void rollTo(long nextNumber) throws IOException {
        writeBuffer();
        channel.force(false);
        durable = appended;
        channel.close();
        start(nextNumber);
    }

    private void writeBuffer() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            fileBytes += channel.write(buffer);
        }
        buffer.clear();
    }

    @Override
    public void close() throws IOException {
        synchronized (forceLock) {
            synchronized (appendLock) {
                if (!channel.isOpen()) {
                    return;
                }
                writeBuffer();
                channel.force(false);
                durable = appended;
                channel.close();
            }
        }
    }

    /** Takes one record's payload during {@link #replay}; answers false when it cannot use it (the file is cut there). */
    @FunctionalInterface
    public interface RecordReader {
        boolean read(byte[] bytes, int offset, int length);
    }

    /** What to do with the segments after one that had to be cut. */
    public enum AfterCut {
        /** Read them too: each segment stands on its own (event journal: every record is acknowledged data). */
        READ_LATER_SEGMENTS,
        /** Delete them: records must follow one another without a gap (catalog change log). */
        DELETE_LATER_SEGMENTS
    }

    /** What a replay found: records read, segments read, bytes cut off, and one line per problem. */
    public record Replay(long records, long segments, long bytesCut, List<String> problems) {
    }

    /**
     * Feeds every intact record, oldest segment first, to the reader. A record that is short, announces an
     * impossible length, fails its checksum or is refused by the reader ends its segment: the rest of that
     * file is cut off, and a warning names the file, the offset and the bytes cut. Never fatal.
     */
    public static Replay replay(Path dir, Naming naming, int maxRecordBytes, AfterCut afterCut, RecordReader reader) throws IOException {
        return replay(dir, naming, maxRecordBytes, afterCut, number -> { }, reader);
    }

    /** As {@link #replay(Path, Naming, int, AfterCut, RecordReader)}, telling {@code onSegment} each segment's number before its records. */
    public static Replay replay(Path dir, Naming naming, int maxRecordBytes, AfterCut afterCut, java.util.function.LongConsumer onSegment,
                                RecordReader reader) throws IOException {
        if (!Files.isDirectory(dir)) {
            return new Replay(0, 0, 0, List.of());
        }
        List<Path> files = segments(dir, naming);
        CRC32C crc = new CRC32C();
        byte[] chunk = new byte[1 << 20];
        long records = 0;
        long cut = 0;
        int read = 0;
        List<String> problems = new ArrayList<>();
        for (int f = 0; f < files.size(); f++) {
            Path file = files.get(f);
            read++;
            onSegment.accept(naming.numberOf(file));
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long size = ch.size();
                // chunk[start .. end) holds the file's bytes from position chunkPos; records are parsed from it.
                long chunkPos = 0;
                int start = 0;
                int end = 0;
                long good = 0;
                String problem = null;
                while (good < size) {
                    if (end - start < HEADER_BYTES && chunkPos + end < size) {
                        ChunkState s = refill(ch, chunk, chunkPos, start, end, HEADER_BYTES);
                        chunk = s.chunk;
                        chunkPos = s.chunkPos;
                        start = 0;
                        end = s.end;
                    }
                    if (end - start < HEADER_BYTES) {
                        problem = "a record header is cut short";
                        break;
                    }
                    int length = getInt(chunk, start);
                    int expected = getInt(chunk, start + 4);
                    if (length < 0 || length > maxRecordBytes) {
                        problem = "impossible record length " + length;
                        break;
                    }
                    if (end - start < HEADER_BYTES + length && chunkPos + end < size) {
                        ChunkState s = refill(ch, chunk, chunkPos, start, end, HEADER_BYTES + length);
                        chunk = s.chunk;
                        chunkPos = s.chunkPos;
                        start = 0;
                        end = s.end;
                    }
                    if (end - start < HEADER_BYTES + length) {
                        problem = "a record body is cut short (" + length + " bytes announced, " + (size - good - HEADER_BYTES) + " present)";
                        break;
                    }
                    crc.reset();
                    crc.update(chunk, start + HEADER_BYTES, length);
                    if ((int) crc.getValue() != expected) {
                        problem = "checksum mismatch";
                        break;
                    }
                    if (!reader.read(chunk, start + HEADER_BYTES, length)) {
                        problem = "unreadable record";
                        break;
                    }
                    records++;
                    start += HEADER_BYTES + length;
                    good += HEADER_BYTES + length;
                }
                if (problem == null) {
                    continue;
                }
                long dropped = size - good;
                cut += dropped;
                String msg = file.getFileName() + ": " + problem + " at offset " + good + "; cut " + dropped + " bytes";
                problems.add(msg);
                LOG.warn("record log {}", msg);
                ch.truncate(good);
                ch.force(true);
            }
            if (afterCut == AfterCut.DELETE_LATER_SEGMENTS) {
                for (Path later : files.subList(f + 1, files.size())) {
                    LOG.warn("record log {}: follows a cut segment, removed", later.getFileName());
                    Files.delete(later);
                }
                syncDirectory(dir);
                break;
            }
        }
        return new Replay(records, read, cut, problems);
    }

    private record ChunkState(byte[] chunk, long chunkPos, int end) {
    }

    /** Moves the unread bytes to the front and reads on until {@code need} bytes are there or the file ends. */
    private static ChunkState refill(FileChannel ch, byte[] chunk, long chunkPos, int start, int end, int need) throws IOException {
        byte[] target = need > chunk.length ? new byte[Math.max(need, chunk.length * 2)] : chunk;
        int kept = end - start;
        System.arraycopy(chunk, start, target, 0, kept);
        long pos = chunkPos + start;
        ByteBuffer into = ByteBuffer.wrap(target, kept, target.length - kept);
        long at = pos + kept;
        while (into.hasRemaining()) {
            int n = ch.read(into, at);
            if (n <= 0) {
                break;
            }
            at += n;
        }
        return new ChunkState(target, pos, into.position());
    }

    private static int getInt(byte[] b, int i) {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }

    /** The segment files of a log folder, in number order. */
    public static List<Path> segments(Path dir, Naming naming) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> naming.numberOf(p) >= 0).sorted((a, b) -> Long.compare(naming.numberOf(a), naming.numberOf(b))).toList();
        }
    }

    /** Forces a folder's entries (new, renamed or deleted files) to disk; a no-op where the platform refuses. */
    public static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory for reading; their renames are durable on their own terms.
        }
    }
}
