package io.adengine.catalog;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adengine.model.Catalog;
import io.adengine.storage.RecordLog;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * The catalog store's snapshot file, {@code snapshot.json}: a catalog document (readable by
 * {@link CatalogJson}) plus the change sequence it holds ({@code seq}), the audiences and the tombstones
 * of deleted objects (and, on a cluster replica, {@code logOffset}: the last offset of the catalog log it
 * includes). Written to a temporary file, forced, then renamed over the old one and the folder
 * forced, so a crash leaves either the old snapshot or the new one.
 */
final class StoreSnapshotFile {

    static final String NAME = "snapshot.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StoreSnapshotFile() {
    }

    /** Whether the folder holds a snapshot (a half-written temporary file from a crash is removed first). */
    static boolean exists(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(NAME + ".tmp"));
        return Files.exists(dir.resolve(NAME));
    }

    /** What a snapshot holds besides the objects: its change sequence and the cluster log offset it includes (-1: none). */
    record Position(long seq, long logOffset) {
    }

    /** Loads the folder's snapshot into {@code objects}; returns the change sequence and log offset it holds. */
    static Position read(Path dir, CatalogObjects objects) throws IOException {
        JsonNode root = MAPPER.readTree(dir.resolve(NAME).toFile());
        objects.load(CatalogJson.read(root));
        for (JsonNode a : root.path("audiences")) {
            objects.put(ObjectKind.AUDIENCE.parse(a, "audiences"), null);
        }
        JsonNode tombs = root.path("tombstones");
        for (ObjectKind k : ObjectKind.values()) {
            tombs.path(k.pathName()).properties().forEach(e -> objects.tombstone(k, Long.parseLong(e.getKey()), e.getValue().asLong()));
        }
        return new Position(root.path("seq").asLong(), root.path("logOffset").asLong(-1));
    }

    /**
     * Replaces the folder's snapshot with the given state at change {@code seq}, which includes the cluster's
     * catalog log up to {@code logOffset} (-1: not a cluster replica; the field is then left out).
     */
    static void write(Path dir, long seq, long logOffset, Catalog catalog, List<Object> audiences, Map<ObjectKind, Map<Long, Long>> tombstones)
            throws IOException {
        Path tmp = dir.resolve(NAME + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp); JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("version", seq);
            g.writeNumberField("seq", seq);
            if (logOffset >= 0) {
                g.writeNumberField("logOffset", logOffset);
            }
            writeArray(g, "accounts", catalog.accounts());
            writeArray(g, "campaigns", catalog.campaigns());
            writeArray(g, "adGroups", catalog.adGroups());
            writeArray(g, "creatives", catalog.creatives());
            writeArray(g, "adSpaces", catalog.adSpaces());
            writeArray(g, "audiences", audiences);
            g.writeObjectFieldStart("tombstones");
            for (ObjectKind k : ObjectKind.values()) {
                g.writeObjectFieldStart(k.pathName());
                for (Map.Entry<Long, Long> e : tombstones.get(k).entrySet()) {
                    g.writeNumberField(Long.toString(e.getKey()), e.getValue());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        RecordLog.syncDirectory(dir);
    }

    private static void writeArray(JsonGenerator g, String name, Iterable<?> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (Object v : values) {
            MAPPER.writeTree(g, ObjectKind.toJson(v));
        }
        g.writeEndArray();
    }
}
