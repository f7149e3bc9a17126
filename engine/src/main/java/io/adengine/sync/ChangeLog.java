package io.adengine.sync;

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
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * One append-only change-log file. Each record is {@code [int length][int CRC32C of payload][payload]}.
 * Appends are written at once and made durable by {@link #awaitDurable}, which forces the file once for
 * every append written before it started (group commit: concurrent callers share one fsync).
 * {@link #read} stops at the first torn or corrupt record, cuts the file there and reports it.
 */
final class ChangeLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeLog.class);
    /** Largest payload accepted when reading; anything larger is a corrupt length. */
    static final int MAX_RECORD_BYTES = 64 * 1024 * 1024;
    static final String PREFIX = "changes-";
    static final String SUFFIX = ".log";

    private final Path file;
    private final long firstSeq;
    private final FileChannel channel;
    private final Object syncLock = new Object();
    private volatile long written;
    private long durable;

    private ChangeLog(Path file, long firstSeq, FileChannel channel) {
        this.file = file;
        this.firstSeq = firstSeq;
        this.channel = channel;
    }

    /** Creates a new, empty log file whose first record will have sequence {@code firstSeq}. */
    static ChangeLog create(Path dir, long firstSeq) throws IOException {
        Path file = dir.resolve(fileName(firstSeq));
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        DataDir.syncDirectory(dir);
        return new ChangeLog(file, firstSeq, channel);
    }

    static String fileName(long firstSeq) {
        return String.format("%s%020d%s", PREFIX, firstSeq, SUFFIX);
    }

    /** The first sequence of a log file from its name, or -1 when the name is not a log file's. */
    static long firstSeqOf(Path file) {
        String name = file.getFileName().toString();
        if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    long firstSeq() {
        return firstSeq;
    }

    Path file() {
        return file;
    }

    /** Appends one record (not yet durable); callers serialise appends. Returns the write position after it. */
    long append(byte[] payload) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        ByteBuffer buf = ByteBuffer.allocate(8 + payload.length);
        buf.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        written = channel.position();
        return written;
    }

    /** The position after the last append. */
    long written() {
        return written;
    }

    /** Returns once everything appended up to {@code position} is on disk; one fsync serves every waiter behind it. */
    void awaitDurable(long position) throws IOException {
        synchronized (syncLock) {
            if (durable >= position) {
                return;
            }
            long target = written;
            channel.force(false);
            durable = target;
        }
    }

    @Override
    public void close() throws IOException {
        awaitDurable(written);
        channel.close();
    }

    /**
     * Reads every intact record of a log file in order. At the first torn or corrupt record the file is
     * truncated to the end of the last good one and a warning names the file, the offset and the bytes cut.
     *
     * @return whether the file was cut
     */
    static boolean read(Path file, Consumer<byte[]> records) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            long pos = 0;
            ByteBuffer header = ByteBuffer.allocate(8);
            String problem = null;
            while (pos < size) {
                if (size - pos < 8) {
                    problem = "torn record header";
                    break;
                }
                header.clear();
                readFully(ch, header, pos);
                header.flip();
                int length = header.getInt();
                int crc = header.getInt();
                if (length < 0 || length > MAX_RECORD_BYTES) {
                    problem = "corrupt record length " + length;
                    break;
                }
                if (size - pos - 8 < length) {
                    problem = "torn record (" + length + " bytes announced, " + (size - pos - 8) + " present)";
                    break;
                }
                ByteBuffer payload = ByteBuffer.allocate(length);
                readFully(ch, payload, pos + 8);
                CRC32C check = new CRC32C();
                check.update(payload.array());
                if ((int) check.getValue() != crc) {
                    problem = "checksum mismatch";
                    break;
                }
                records.accept(payload.array());
                pos += 8 + length;
            }
            if (problem != null) {
                LOG.warn("change log {}: {} at offset {}; cutting off {} bytes of unacknowledged tail", file.getFileName(),
                        problem, pos, size - pos);
                ch.truncate(pos);
                ch.force(true);
                return true;
            }
            return false;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long p = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, p);
            if (n < 0) {
                throw new IOException("unexpected end of " + ch);
            }
            p += n;
        }
    }

    /** The log files of a folder in sequence order. */
    static List<Path> list(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (var stream = Files.list(dir)) {
            stream.filter(p -> firstSeqOf(p) >= 0).forEach(files::add);
        }
        files.sort((a, b) -> Long.compare(firstSeqOf(a), firstSeqOf(b)));
        return files;
    }
}
