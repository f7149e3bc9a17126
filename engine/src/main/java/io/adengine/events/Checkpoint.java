package io.adengine.events;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The ledger and rollups as of a point of the journal: {@value #NAME} in the journal folder, holding every effect
 * of the journal files numbered below {@link #firstUncovered}. Start-up loads it and replays only the later files
 * into the ledger and rollups (older files, while kept, still rebuild the dedup and validity tables). Taken by a
 * CHECKPOINT event that passes the handlers like any other, so each handler captures its own state at the same
 * ring position: the journal handler starts a new file, the ledger handler writes its state, the rollup handler
 * adds its own and writes the file. Format: {@code "ADCK", int version 3, long firstUncovered, long takenAtMillis,
 * int ledger bytes, ledger state, int rollup bytes, rollup state, int CRC32C of all before}; written to a temporary
 * file, forced, renamed over the old one. A file that fails any check is ignored (WARN): the full journal is replayed.
 */
final class Checkpoint {

    static final String NAME = "checkpoint.bin";
    private static final int MAGIC = 0x4144434b;
    // 2: rollup cells carry 15 counters (the video playback counters); a version 1 file is ignored, the journal replayed.
    // 3: rollup cells carry 18 counters (other conversions, goal and other revenue); a version 2 file is still read,
    // its cells' new counters 0 (its journal files may be gone: replaying them instead could lose their charges).
    private static final int VERSION = 3;
    private static final int OLDEST_READ = 2;

    /** A loaded checkpoint; {@code rollupCounters}: how many counters each of its rollup cells holds. */
    record Loaded(long firstUncovered, long takenAtMillis, byte[] ledger, byte[] rollups, int rollupCounters) {
    }

    private Checkpoint() {
    }

    static void write(Path dir, long firstUncovered, long takenAtMillis, byte[] ledger, byte[] rollups) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + ledger.length + rollups.length);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeLong(firstUncovered);
        out.writeLong(takenAtMillis);
        out.writeInt(ledger.length);
        out.write(ledger);
        out.writeInt(rollups.length);
        out.write(rollups);
        CRC32C crc = new CRC32C();
        byte[] body = bytes.toByteArray();
        crc.update(body);
        out.writeInt((int) crc.getValue());
        byte[] all = bytes.toByteArray();
        Path tmp = dir.resolve(NAME + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(all);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems cannot force a folder; the rename is then as durable as they make it.
        }
    }

    /** The folder's checkpoint, or empty when there is none; {@link IOException} names what is wrong with a bad one. */
    static Optional<Loaded> read(Path dir) throws IOException {
        Path file = dir.resolve(NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        byte[] all = Files.readAllBytes(file);
        if (all.length < 36) {
            throw new IOException(NAME + " is cut short (" + all.length + " bytes)");
        }
        CRC32C crc = new CRC32C();
        crc.update(all, 0, all.length - 4);
        if ((int) crc.getValue() != ByteBuffer.wrap(all, all.length - 4, 4).getInt()) {
            throw new IOException(NAME + " fails its checksum");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - 4));
        int version = in.readInt() == MAGIC ? in.readInt() : -1;
        if (version < OLDEST_READ || version > VERSION) {
            throw new IOException(NAME + " is not a version " + OLDEST_READ + " to " + VERSION + " checkpoint");
        }
        long first = in.readLong();
        long taken = in.readLong();
        byte[] ledger = new byte[in.readInt()];
        in.readFully(ledger);
        byte[] rollups = new byte[in.readInt()];
        in.readFully(rollups);
        return Optional.of(new Loaded(first, taken, ledger, rollups, version == 2 ? RollupTable.COUNTERS_V2 : RollupTable.COUNTERS));
    }

    static DataInputStream input(byte[] bytes) {
        return new DataInputStream(new ByteArrayInputStream(Arrays.copyOf(bytes, bytes.length)));
    }
}
