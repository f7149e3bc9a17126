package io.adengine.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The operation log of seed 001 §6.2: one JSON line per changed object (type, id, operation, before,
 * after, operator, time, and the change sequence). Lines are appended when a change commits; the change
 * log carries the same entries, so entries lost from this file by a crash are re-appended on recovery.
 * Queries scan the file; the log is for people, not for serving.
 */
public final class OperationLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OperationLog.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path file;
    private final Writer writer;
    private long lastSeq;

    private OperationLog(Path file, Writer writer, long lastSeq) {
        this.file = file;
        this.writer = writer;
        this.lastSeq = lastSeq;
    }

    static OperationLog open(Path file) throws IOException {
        long last = 0;
        boolean endsWithNewline = true;
        if (Files.exists(file)) {
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    JsonNode entry = parse(line);
                    if (entry != null) {
                        last = Math.max(last, entry.path("seq").asLong());
                    }
                }
            }
            long size = Files.size(file);
            if (size > 0) {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
                    ch.read(b, size - 1);
                    endsWithNewline = b.get(0) == '\n';
                }
            }
        }
        Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (!endsWithNewline) {
            // A torn last line from a crash: end it so the next entry starts on its own line.
            w.write('\n');
        }
        return new OperationLog(file, w, last);
    }

    private static JsonNode parse(String line) {
        if (line.isBlank()) {
            return null;
        }
        try {
            return MAPPER.readTree(line);
        } catch (IOException e) {
            LOG.warn("operation log: skipping an unreadable line ({} characters)", line.length());
            return null;
        }
    }

    /** The highest change sequence in the file. */
    synchronized long lastSeq() {
        return lastSeq;
    }

    /** Appends the entries of one committed change. */
    synchronized void append(long seq, List<ObjectNode> entries) throws IOException {
        if (seq <= lastSeq) {
            return;
        }
        for (ObjectNode e : entries) {
            writer.write(MAPPER.writeValueAsString(e));
            writer.write('\n');
        }
        writer.flush();
        lastSeq = seq;
    }

    /** Forces the file to disk (before the change-log files that also hold these entries are deleted). */
    synchronized void sync() throws IOException {
        writer.flush();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(false);
        }
    }

    /**
     * Entries matching every given filter, oldest first, at most {@code limit}.
     *
     * @param kind      object kind path name, or {@code null} for any
     * @param id        object id, or 0 for any
     * @param operation CREATE, UPDATE or DELETE, or {@code null} for any
     * @param fromMillis inclusive lower bound of the time
     * @param toMillis   exclusive upper bound of the time
     */
    public synchronized List<JsonNode> query(String kind, long id, String operation, long fromMillis, long toMillis, int limit)
            throws IOException {
        writer.flush();
        List<JsonNode> found = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null && found.size() < limit) {
                JsonNode e = parse(line);
                if (e == null
                        || (kind != null && !kind.equals(e.path("kind").asText()))
                        || (id != 0 && id != e.path("id").asLong())
                        || (operation != null && !operation.equalsIgnoreCase(e.path("operation").asText()))
                        || e.path("time").asLong() < fromMillis || e.path("time").asLong() >= toMillis) {
                    continue;
                }
                found.add(e);
            }
        }
        return found;
    }

    @Override
    public synchronized void close() throws IOException {
        writer.close();
    }
}
