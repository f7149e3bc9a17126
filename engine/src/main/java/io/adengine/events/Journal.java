package io.adengine.events;

import io.adengine.model.BidModel;
import io.adengine.storage.RecordLog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The event journal: billing events in a {@link RecordLog} of files {@code journal-NNNNNNNNNNNNNNNNNNNN.log}
 * in one folder. Each payload is {@value #PAYLOAD_BYTES} bytes: version 2, type, billing model, country,
 * then the event's longs (see {@link #encode}); version 2 added the last long, the user's frequency key. Version 1
 * records ({@value #V1_PAYLOAD_BYTES} bytes) still replay, with no frequency key. A conversion's record is version 3:
 * the version 2 fields followed by its revenue micros (long), whether it is a goal (byte 1 or 0), its event name's
 * length (byte, 0 to 64) and the name's ASCII bytes ({@value #CONVERSION_PAYLOAD_BYTES} bytes and the name); version 1
 * and 2 conversions (older journals) read as goals without a name or revenue. Written by the journal handler's thread:
 * {@link #append} buffers, {@link #commit} writes and forces (group commit); a file past the size limit
 * is closed and a new one started. {@link #replay} reads every file in order and cuts a torn or corrupt
 * tail off (later files are still read: each holds acknowledged events).
 */
public final class Journal implements AutoCloseable {

    static final int VERSION = 2;
    static final int V1_PAYLOAD_BYTES = 5 + 13 * 8;
    static final int PAYLOAD_BYTES = V1_PAYLOAD_BYTES + 8;
    static final int RECORD_BYTES = RecordLog.HEADER_BYTES + PAYLOAD_BYTES;
    /** The version of conversion records: the version 2 fields, then revenue, goal and event name. */
    static final int CONVERSION_VERSION = 3;
    /** A conversion record's payload without its name's bytes. */
    static final int CONVERSION_PAYLOAD_BYTES = PAYLOAD_BYTES + 8 + 1 + 1;
    static final int MAX_PAYLOAD_BYTES = CONVERSION_PAYLOAD_BYTES + BillingEvent.EVENT_NAME_MAX;
    static final RecordLog.Naming NAMING = new RecordLog.Naming("journal-", ".log");

    private final RecordLog log;
    private final ByteBuffer payload = ByteBuffer.allocate(MAX_PAYLOAD_BYTES);

    /** Opens a new journal file after the existing ones (call {@link #replay} first to repair them). */
    public Journal(Path dir, long maxFileBytes, boolean force) throws IOException {
        List<Path> files = files(dir);
        long next = files.isEmpty() ? 0 : NAMING.numberOf(files.get(files.size() - 1)) + 1;
        this.log = RecordLog.open(dir, NAMING, next, maxFileBytes, force, RECORD_BYTES * 8192);
    }

    /** Buffers one record. */
    public void append(BillingEvent e) throws IOException {
        payload.clear();
        encode(e, payload);
        log.append(payload.array(), 0, payload.position());
    }

    /**
     * Writes what is buffered and forces it to disk (when forcing is on); rotates a full file.
     *
     * @return the nanoseconds the fsync took, 0 when forcing is off
     */
    public long commit() throws IOException {
        return log.commit();
    }

    /** Forces what is written and continues in a new file; returns the new file's number (checkpoints start there). */
    public long roll() throws IOException {
        // Commit first: a full file is rotated by the commit itself, and the new file is numbered after that one.
        log.commit();
        long next = log.segmentNumber() + 1;
        log.roll(next);
        return next;
    }

    @Override
    public void close() throws IOException {
        log.close();
    }

    static void encode(BillingEvent e, ByteBuffer b) {
        boolean conversion = e.type == EventType.CONVERSION;
        b.put((byte) (conversion ? CONVERSION_VERSION : VERSION)).put(e.type.code).put((byte) e.billing.ordinal()).putShort(e.country)
                .putLong(e.timeMillis).putLong(e.impressionHi).putLong(e.impressionLo).putLong(e.adSpaceId)
                .putLong(e.publisherId).putLong(e.campaignId).putLong(e.adGroupId).putLong(e.accountId)
                .putLong(e.creativeId).putLong(e.chargePerUnit).putLong(e.reservedMicros).putLong(e.expiresEpochSeconds)
                .putLong(e.invalidReason.code).putLong(e.userKey);
        if (conversion) {
            b.putLong(e.revenueMicros).put((byte) (e.goal ? 1 : 0)).put((byte) e.eventNameLength).put(e.eventName, 0, e.eventNameLength);
        }
    }

    /**
     * Decodes a payload; {@code false} (event possibly cleared) for an unknown version, type or billing model, a length
     * that is not its version's, or a conversion's field out of range.
     */
    static boolean decode(ByteBuffer b, BillingEvent e) {
        int length = b.remaining();
        int version = b.get();
        EventType type = EventType.ofCode(b.get());
        int billing = b.get();
        boolean known = version == 1 ? length == V1_PAYLOAD_BYTES
                : version == VERSION ? length == PAYLOAD_BYTES
                : version == CONVERSION_VERSION && type == EventType.CONVERSION && length >= CONVERSION_PAYLOAD_BYTES
                && length <= MAX_PAYLOAD_BYTES;
        if (!known || type == null || type == EventType.TICK || type == EventType.CHECKPOINT || billing < 0
                || billing >= BidModel.values().length) {
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
        // The last long was spare (0) before the validity rules: 0 is a counted event, so old journals read the same.
        InvalidReason reason = InvalidReason.ofCode(b.getLong());
        if (reason == null) {
            return false;
        }
        e.invalidReason = reason;
        e.userKey = version >= 2 ? b.getLong() : 0;
        if (version == CONVERSION_VERSION) {
            e.revenueMicros = b.getLong();
            int goal = b.get();
            int nameLength = b.get();
            if (e.revenueMicros < 0 || goal < 0 || goal > 1 || nameLength != length - CONVERSION_PAYLOAD_BYTES) {
                return false;
            }
            e.goal = goal == 1;
            b.get(e.eventName, 0, nameLength);
            for (int i = 0; i < nameLength; i++) {
                if (!eventNameByte(e.eventName[i])) {
                    return false;
                }
            }
            e.eventNameLength = nameLength;
        }
        return true;
    }

    private static boolean eventNameByte(byte c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-';
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
        return replay(dir, number -> { }, consumer);
    }

    /** As {@link #replay(Path, Consumer)}, telling {@code onFile} each file's number before its records. */
    public static ReplayResult replay(Path dir, java.util.function.LongConsumer onFile, Consumer<BillingEvent> consumer) throws IOException {
        BillingEvent e = new BillingEvent();
        RecordLog.Replay r = RecordLog.replay(dir, NAMING, MAX_PAYLOAD_BYTES, RecordLog.AfterCut.READ_LATER_SEGMENTS, onFile, (bytes, offset, length) -> {
            if (!decode(ByteBuffer.wrap(bytes, offset, length), e)) {
                return false;
            }
            consumer.accept(e);
            return true;
        });
        return new ReplayResult(r.records(), r.segments(), r.bytesCut(), r.problems());
    }

    static List<Path> files(Path dir) throws IOException {
        return RecordLog.segments(dir, NAMING);
    }
}
