package io.adengine.events;

import io.adengine.model.BidModel;
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
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The append-only event journal: files {@code journal-NNNNNNNNNNNNNNNNNNNN.log} in one folder, each a
 * sequence of records {@code int length | int crc32c(payload) | payload} (big-endian). The payload is
 * {@value #PAYLOAD_BYTES} bytes: version 1, type, billing model, country, then the event's longs (see
 * {@link #encode}). Written by one thread only: {@link #append} buffers, {@link #commit} writes and
 * forces (group commit), a file past the size limit is closed and a new one started.
 * {@link #replay} reads every file in order and cuts a torn or corrupt tail off.
 */
public final class Journal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    static final int VERSION = 1;
    static final int PAYLOAD_BYTES = 5 + 13 * 8;
    static final int RECORD_BYTES = 8 + PAYLOAD_BYTES;
    private static final String PREFIX = "journal-";
    private static final String SUFFIX = ".log";

    private final Path dir;
    private final long maxFileBytes;
    private final boolean force;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(RECORD_BYTES * 8192);
    private final ByteBuffer payload = ByteBuffer.allocate(PAYLOAD_BYTES);
    private final CRC32C crc = new CRC32C();
    private FileChannel channel;
    private long fileIndex;
    private long fileBytes;

    /** Opens a new journal file after the existing ones (call {@link #replay} first to repair them). */
    public Journal(Path dir, long maxFileBytes, boolean force) throws IOException {
        this.dir = dir;
        this.maxFileBytes = maxFileBytes;
        this.force = force;
        Files.createDirectories(dir);
        List<Path> files = files(dir);
        this.fileIndex = files.isEmpty() ? 0 : index(files.get(files.size() - 1)) + 1;
        open();
    }

    private void open() throws IOException {
        channel = FileChannel.open(dir.resolve(String.format("%s%020d%s", PREFIX, fileIndex, SUFFIX)),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        fileBytes = 0;
        // Make the new file's directory entry durable, so a forced record is never in a file that vanishes.
        forceDirectory();
    }

    private void forceDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory; the file's own force still holds its data.
        }
    }

    /** Buffers one record; writes the buffer out first when it is full. */
    public void append(BillingEvent e) throws IOException {
        if (buffer.remaining() < RECORD_BYTES) {
            writeBuffer();
        }
        payload.clear();
        encode(e, payload);
        crc.reset();
        crc.update(payload.array(), 0, PAYLOAD_BYTES);
        buffer.putInt(PAYLOAD_BYTES).putInt((int) crc.getValue()).put(payload.array(), 0, PAYLOAD_BYTES);
    }

    /** Writes what is buffered and forces it to disk (when forcing is on); rotates a full file. */
    public void commit() throws IOException {
        writeBuffer();
        if (force) {
            channel.force(false);
        }
        if (fileBytes >= maxFileBytes) {
            if (!force) {
                channel.force(false);
            }
            channel.close();
            fileIndex++;
            open();
        }
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
        commit();
        channel.force(false);
        channel.close();
    }

    static void encode(BillingEvent e, ByteBuffer b) {
        b.put((byte) VERSION).put(e.type.code).put((byte) e.billing.ordinal()).putShort(e.country)
                .putLong(e.timeMillis).putLong(e.impressionHi).putLong(e.impressionLo).putLong(e.adSpaceId)
                .putLong(e.publisherId).putLong(e.campaignId).putLong(e.adGroupId).putLong(e.accountId)
                .putLong(e.creativeId).putLong(e.chargePerUnit).putLong(e.reservedMicros).putLong(e.expiresEpochSeconds)
                .putLong(0L);
    }

    /** Decodes a payload; {@code false} (event untouched) for an unknown version, type or billing model. */
    static boolean decode(ByteBuffer b, BillingEvent e) {
        int version = b.get();
        EventType type = EventType.ofCode(b.get());
        int billing = b.get();
        if (version != VERSION || type == null || type == EventType.TICK || billing < 0 || billing >= BidModel.values().length) {
            return false;
        }
        e.clear();
        e.type = type;
        e.billing = BidModel.values()[billing];
        e.country = b.getShort();
        e.timeMillis = b.getLong();
        e.impressionHi = b.getLong();
        e.impressionLo = b.getLong();
        e.adSpaceId = b.getLong();
        e.publisherId = b.getLong();
        e.campaignId = b.getLong();
        e.adGroupId = b.getLong();
        e.accountId = b.getLong();
        e.creativeId = b.getLong();
        e.chargePerUnit = b.getLong();
        e.reservedMicros = b.getLong();
        e.expiresEpochSeconds = b.getLong();
        return true;
    }

    /** What a replay found. */
    public record ReplayResult(long records, long files, long bytesCut, List<String> problems) {
    }

    /**
     * Feeds every valid record, oldest first, to the consumer (one reused event object). A record that is
     * short, has an impossible length, a wrong checksum or an unknown version ends its file: the rest
     * of that file is cut off (truncated) and reported in the log and the result, never fatal.
     */
    public static ReplayResult replay(Path dir, Consumer<BillingEvent> consumer) throws IOException {
        if (!Files.isDirectory(dir)) {
            return new ReplayResult(0, 0, 0, List.of());
        }
        BillingEvent e = new BillingEvent();
        CRC32C crc = new CRC32C();
        long records = 0;
        long cut = 0;
        List<String> problems = new ArrayList<>();
        List<Path> files = files(dir);
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            ByteBuffer b = ByteBuffer.wrap(bytes);
            int good = 0;
            String problem = null;
            while (b.remaining() > 0) {
                if (b.remaining() < 8) {
                    problem = "a record header is cut short";
                    break;
                }
                int length = b.getInt(good);
                int expected = b.getInt(good + 4);
                if (length != PAYLOAD_BYTES) {
                    problem = "record length " + length + " is not " + PAYLOAD_BYTES;
                    break;
                }
                if (b.remaining() < 8 + length) {
                    problem = "a record body is cut short";
                    break;
                }
                crc.reset();
                crc.update(bytes, good + 8, length);
                if ((int) crc.getValue() != expected) {
                    problem = "checksum mismatch";
                    break;
                }
                ByteBuffer p = ByteBuffer.wrap(bytes, good + 8, length);
                if (!decode(p, e)) {
                    problem = "unknown record version, type or billing model";
                    break;
                }
                consumer.accept(e);
                records++;
                good += 8 + length;
                b.position(good);
            }
            if (problem != null) {
                long dropped = bytes.length - good;
                cut += dropped;
                String msg = "journal " + file.getFileName() + ": " + problem + " at offset " + good + "; cut " + dropped + " bytes";
                problems.add(msg);
                LOG.warn("{}", msg);
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.truncate(good);
                    ch.force(true);
                }
            }
        }
        return new ReplayResult(records, files.size(), cut, problems);
    }

    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(PREFIX) && n.endsWith(SUFFIX) && n.length() == PREFIX.length() + 20 + SUFFIX.length();
            }).sorted().toList();
        }
    }

    private static long index(Path file) {
        String n = file.getFileName().toString();
        return Long.parseLong(n.substring(PREFIX.length(), PREFIX.length() + 20));
    }
}
