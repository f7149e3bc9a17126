package io.adengine.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adengine.model.Catalog;
import io.adengine.model.CatalogPatch;
import io.adengine.model.Creative;
import io.adengine.storage.RecordLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The mutable catalog the control plane writes: every object with its control-plane version, the
 * versions of deleted objects (so a late, older write cannot bring them back), the change log and the
 * operation log. One writer at a time applies changes; {@link #apply} returns only once the change is on
 * disk. A stale version is refused, the same version again is a no-op, deletes cascade
 * (account → campaigns → ad groups → creatives). A batch is applied all or nothing.
 *
 * <p>This class applies changes; its parts, each guarded by the store's lock: {@link CatalogObjects}
 * (the state in memory, with undo), {@link TouchLog} (what changed since a serving base, for
 * {@link #patchSince}), {@link ChangeLog} (the durable record of every change) and
 * {@link StoreSnapshotFile} (the compacted state).
 *
 * <p>On disk ({@code dataDir}): {@code snapshot.json} (a catalog document plus {@code seq}, {@code audiences}
 * and {@code tombstones}, replaced atomically), {@code changes-<first seq>.log} files holding every change
 * after it, and {@code operations.jsonl}. Opening replays the snapshot and the logs.
 */
public final class CatalogStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogStore.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final String SNAPSHOT_FILE = StoreSnapshotFile.NAME;
    static final String OPERATIONS_FILE = "operations.jsonl";

    /** What a change does. */
    public enum Op { PUT, DELETE }

    /** How a change ended. */
    public enum Status { APPLIED, UNCHANGED, STALE, NOT_FOUND, INVALID }

    /**
     * One change. For PUT {@code value} is the parsed object and {@code id}/{@code version} are its own;
     * for DELETE {@code value} is null and {@code version} 0 means "whatever version is current".
     */
    public record Change(Op op, ObjectKind kind, long id, long version, Object value) {

        public static Change put(Object value) {
            return new Change(Op.PUT, ObjectKind.of(value), ObjectKind.id(value), ObjectKind.version(value), value);
        }

        public static Change delete(ObjectKind kind, long id, long version) {
            return new Change(Op.DELETE, kind, id, version, null);
        }
    }

    /** The result of {@link #apply}: the status, the problems (INVALID) or a message, and the change sequence. */
    public record Outcome(Status status, List<Problem> problems, String message, long seq) {

        public boolean accepted() {
            return status == Status.APPLIED || status == Status.UNCHANGED;
        }
    }

    private final Path dir;
    private final CatalogRules rules;
    private final LongSupplier clock;
    private final int snapshotEveryChanges;
    private final CatalogObjects objects = new CatalogObjects();
    private final TouchLog touches = new TouchLog();
    private final ExecutorService snapshotter;
    private final AtomicBoolean snapshotRunning = new AtomicBoolean();
    private volatile Runnable onCommit = () -> { };
    private OperationLog operations;
    private RecordLog log;
    private long seq;
    /** The last offset of the cluster's catalog log included (-1: none; not a cluster replica). */
    private long logOffset = -1;
    private long changesSinceSnapshot;
    private CatalogStore(Path dir, CatalogRules rules, LongSupplier clock, int snapshotEveryChanges) {
        this.dir = dir;
        this.rules = rules;
        this.clock = clock;
        this.snapshotEveryChanges = snapshotEveryChanges;
        this.snapshotter = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "catalog-snapshot");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens (or creates) the store in {@code dir}: loads the last snapshot, or when there is none the seed
     * catalog (may be {@code null}), then replays the change logs, cutting off a torn or corrupt tail.
     */
    public static CatalogStore open(Path dir, Catalog seedCatalog, CatalogRules rules, LongSupplier clock, int snapshotEveryChanges)
            throws IOException {
        Files.createDirectories(dir);
        CatalogStore store = new CatalogStore(dir, rules, clock, snapshotEveryChanges);
        store.recover(seedCatalog);
        return store;
    }

    private void recover(Catalog seedCatalog) throws IOException {
        if (StoreSnapshotFile.exists(dir)) {
            StoreSnapshotFile.Position at = StoreSnapshotFile.read(dir, objects);
            seq = at.seq();
            logOffset = at.logOffset();
            LOG.info("catalog store: snapshot at change {} loaded", seq);
        } else if (seedCatalog != null) {
            objects.load(seedCatalog);
            // Continue the seed's version so that the catalogVersion serving reports never goes backwards.
            seq = Math.max(0, seedCatalog.version());
            LOG.info("catalog store: empty, seeded with {} ad groups from the configured catalog", seedCatalog.adGroups().size());
        }
        operations = OperationLog.open(dir.resolve(OPERATIONS_FILE));
        long snapshotSeq = seq;
        RecordLog.Replay replayed = ChangeLog.replay(dir, (bytes, offset, length) -> {
            replay(bytes, offset, length);
            return true;
        });
        LOG.info("catalog store: {} change records read after snapshot {}, now at change {}", replayed.records(), snapshotSeq, seq);
        log = ChangeLog.open(dir, seq + 1);
    }

    private void replay(byte[] bytes, int offset, int length) {
        JsonNode record;
        try {
            record = MAPPER.readTree(bytes, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long recordSeq = record.path("seq").asLong();
        if (recordSeq <= seq) {
            return;
        }
        for (JsonNode c : record.path("changes")) {
            ObjectKind kind = ObjectKind.ofPath(c.path("kind").asText());
            Change change = Op.valueOf(c.path("op").asText()) == Op.PUT
                    ? Change.put(kind.parse(c.path("object"), ""))
                    : Change.delete(kind, c.path("id").asLong(), c.path("version").asLong());
            applyOne(change, new ArrayList<>(), new ArrayList<>(), false, 0, "");
        }
        seq = recordSeq;
        logOffset = Math.max(logOffset, record.path("offset").asLong(-1));
        if (recordSeq > operations.lastSeq()) {
            List<ObjectNode> entries = new ArrayList<>();
            record.path("ops").forEach(o -> entries.add((ObjectNode) o));
            try {
                operations.append(recordSeq, entries);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Called (on the committing thread, after the change is durable) once per committed change. */
    public void onCommit(Runnable listener) {
        this.onCommit = listener;
    }

    /** The rules changes are checked against. */
    public CatalogRules rules() {
        return rules;
    }

    public OperationLog operations() {
        return operations;
    }

    /**
     * Applies a change or an all-or-nothing batch, made durable before returning. Every problem of every
     * change is reported; field paths of a batch are prefixed {@code changes[i].}.
     */
    public Outcome apply(List<Change> changes, String operator) throws IOException {
        Pending p;
        synchronized (this) {
            p = applyLocked(changes, operator, clock.getAsLong(), -1);
        }
        if (p.outcome() != null) {
            return p.outcome();
        }
        p.target().awaitDurable(p.position());
        if (p.committed() == 0) {
            return new Outcome(Status.UNCHANGED, List.of(), "already at this version", seq());
        }
        onCommit.run();
        maybeSnapshot();
        return new Outcome(Status.APPLIED, List.of(), "applied", p.committed());
    }

    /**
     * One proposal read from a cluster's catalog log: its changes, who made them and when (the proposer's
     * clock, so every replica logs the same time), and its offset in the log.
     */
    public record Logged(List<Change> changes, String operator, long time, long offset) {
    }

    /**
     * Applies proposals read from the cluster's catalog log, in their order, exactly as {@link #apply} would
     * (versions, validation, cascades, operation log), each seeing the ones before it; the applied ones are
     * written to the change log with their offset and made durable together (one fsync) before this returns.
     * Offsets at or below {@link #logOffset()} were applied already and are skipped (answered UNCHANGED).
     * Returns one outcome per proposal.
     */
    public List<Outcome> applyLogged(List<Logged> proposals) throws IOException {
        List<Outcome> outcomes = new ArrayList<>(proposals.size());
        RecordLog target = null;
        long position = -1;
        boolean committedAny = false;
        synchronized (this) {
            for (Logged l : proposals) {
                if (l.offset() <= logOffset) {
                    outcomes.add(new Outcome(Status.UNCHANGED, List.of(), "already applied at log offset " + l.offset(), seq));
                    continue;
                }
                Pending p = applyLocked(l.changes(), l.operator(), l.time(), l.offset());
                logOffset = l.offset();
                if (p.outcome() != null) {
                    outcomes.add(p.outcome());
                } else if (p.committed() == 0) {
                    outcomes.add(new Outcome(Status.UNCHANGED, List.of(), "already at this version", seq));
                } else {
                    outcomes.add(new Outcome(Status.APPLIED, List.of(), "applied", p.committed()));
                    target = p.target();
                    position = p.position();
                    committedAny = true;
                }
            }
        }
        if (target != null) {
            target.awaitDurable(position);
        }
        if (committedAny) {
            onCommit.run();
            maybeSnapshot();
        }
        return outcomes;
    }

    /** The last offset of the cluster's catalog log this store includes; -1 when it never applied one. */
    public synchronized long logOffset() {
        return logOffset;
    }

    /**
     * A change applied in memory and appended (not yet forced), or refused: {@code outcome} is the refusal (nothing
     * changed), else {@code committed} is the new sequence (0: nothing to change) at {@code position} of {@code target}.
     */
    private record Pending(Outcome outcome, RecordLog target, long position, long committed) {
    }

    private Pending applyLocked(List<Change> changes, String operator, long time, long offset) throws IOException {
        List<CatalogObjects.Undo> undo = new ArrayList<>();
        List<ObjectNode> ops = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        Outcome firstRefusal = null;
        // The JSON of each applied PUT's object, made once for its operation-log entry and reused in the change log.
        JsonNode[] putJson = new JsonNode[changes.size()];
        for (int i = 0; i < changes.size(); i++) {
            int entries = ops.size();
            Outcome o = applyOne(changes.get(i), undo, ops, true, time, operator);
            if (changes.get(i).op() == Op.PUT && ops.size() > entries) {
                putJson[i] = ops.get(entries).get("after");
            }
            if (!o.accepted()) {
                String prefix = changes.size() > 1 ? "changes[" + i + "]." : "";
                o.problems().forEach(p -> problems.add(p.under(prefix)));
                if (firstRefusal == null || (o.status() == Status.INVALID && firstRefusal.status() != Status.INVALID)) {
                    firstRefusal = new Outcome(o.status(), List.of(), (changes.size() > 1 ? "changes[" + i + "]: " : "") + o.message(), seq);
                }
            }
        }
        if (firstRefusal != null) {
            objects.rollback(undo);
            return new Pending(new Outcome(problems.isEmpty() ? firstRefusal.status() : Status.INVALID, List.copyOf(problems),
                    firstRefusal.message(), seq), null, 0, 0);
        }
        if (ops.isEmpty()) {
            return new Pending(null, log, log.position(), 0);
        }
        long next = seq + 1;
        ObjectNode record = MAPPER.createObjectNode().put("seq", next).put("time", time).put("operator", operator);
        if (offset >= 0) {
            record.put("offset", offset);
        }
        ArrayNode list = record.putArray("changes");
        for (int i = 0; i < changes.size(); i++) {
            Change c = changes.get(i);
            ObjectNode o = list.addObject().put("op", c.op().name()).put("kind", c.kind().pathName());
            if (c.op() == Op.PUT) {
                o.set("object", putJson[i] != null ? putJson[i] : ObjectKind.toJson(c.value()));
            } else {
                o.put("id", c.id()).put("version", c.version());
            }
        }
        ArrayNode opsArray = record.putArray("ops");
        ops.forEach(e -> opsArray.add(e.put("seq", next)));
        long position;
        try {
            position = log.append(MAPPER.writeValueAsBytes(record));
        } catch (IOException | RuntimeException e) {
            objects.rollback(undo);
            throw e;
        }
        seq = next;
        for (CatalogObjects.Undo u : undo) {
            touches.touched(next, u.kind(), u.id());
            // A creative leaving a group changes that group too: note it now, its old parent is not known later.
            if (u.kind() == ObjectKind.CREATIVE && u.previous() != null) {
                touches.touched(next, ObjectKind.AD_GROUP, ((Creative) u.previous()).adGroupId());
            }
        }
        operations.append(next, ops);
        changesSinceSnapshot++;
        return new Pending(null, log, position, next);
    }

    private Outcome applyOne(Change c, List<CatalogObjects.Undo> undo, List<ObjectNode> ops, boolean validate, long time, String operator) {
        Object before = objects.find(c.kind(), c.id());
        Long tomb = objects.tombstone(c.kind(), c.id());
        if (c.op() == Op.PUT) {
            long v = c.version();
            if (before != null) {
                long cv = ObjectKind.version(before);
                if (v < cv) {
                    return refused(Status.STALE, "version " + v + " is older than the current version " + cv);
                }
                if (v == cv) {
                    return before.equals(c.value()) ? new Outcome(Status.UNCHANGED, List.of(), "", seq)
                            : refused(Status.STALE, "version " + v + " already holds different content; send a higher version");
                }
            } else if (tomb != null && v <= tomb) {
                return refused(Status.STALE, "the object was deleted at version " + tomb + "; version " + v + " is not newer");
            }
            if (validate) {
                List<Problem> problems = rules.check(c.value(), this::find);
                if (!problems.isEmpty()) {
                    return new Outcome(Status.INVALID, problems, problems.size() + " problem(s) in the " + c.kind().pathName() + " object", seq);
                }
            }
            objects.put(c.value(), undo);
            ops.add(entry(c.kind(), c.id(), before == null ? "CREATE" : "UPDATE", v, before, c.value(), time, operator, null));
            return new Outcome(Status.APPLIED, List.of(), "", seq);
        }
        if (before == null) {
            return tomb != null ? new Outcome(Status.UNCHANGED, List.of(), "", seq)
                    : refused(Status.NOT_FOUND, "no " + c.kind().pathName() + " object with id " + c.id());
        }
        long cv = ObjectKind.version(before);
        if (c.version() != 0 && c.version() < cv) {
            return refused(Status.STALE, "version " + c.version() + " is older than the current version " + cv);
        }
        cascadeDelete(c.kind(), c.id(), Math.max(c.version(), cv), undo, ops, time, operator, null);
        return new Outcome(Status.APPLIED, List.of(), "", seq);
    }

    private Outcome refused(Status status, String message) {
        return new Outcome(status, List.of(), message, seq);
    }

    private void cascadeDelete(ObjectKind kind, long id, long version, List<CatalogObjects.Undo> undo, List<ObjectNode> ops, long time,
                               String operator, String cascadeOf) {
        Object before = objects.find(kind, id);
        objects.remove(kind, id, version, undo);
        ops.add(entry(kind, id, "DELETE", version, before, null, time, operator, cascadeOf));
        for (ObjectKind child : ObjectKind.values()) {
            if (child.parent() == kind) {
                for (long childId : List.copyOf(objects.children(child, id))) {
                    Object c = objects.find(child, childId);
                    cascadeDelete(child, childId, ObjectKind.version(c), undo, ops, time, operator, kind.pathName() + "/" + id);
                }
            }
        }
    }

    private static ObjectNode entry(ObjectKind kind, long id, String operation, long version, Object before, Object after,
                                    long time, String operator, String cascadeOf) {
        ObjectNode e = MAPPER.createObjectNode().put("time", time).put("operator", operator).put("kind", kind.pathName())
                .put("id", id).put("operation", operation).put("version", version);
        e.set("before", before == null ? null : ObjectKind.toJson(before));
        e.set("after", after == null ? null : ObjectKind.toJson(after));
        if (cascadeOf != null) {
            e.put("cascadeOf", cascadeOf);
        }
        return e;
    }

    /** The current object of this kind and id, or {@code null}. */
    public synchronized Object find(ObjectKind kind, long id) {
        return objects.find(kind, id);
    }

    /** The version a deleted object was deleted at, or {@code null} when it was not deleted. */
    public synchronized Long deletedVersion(ObjectKind kind, long id) {
        return objects.tombstone(kind, id);
    }

    /** Id → version of every current object of a kind (for sync clients comparing versions). */
    public synchronized Map<Long, Long> versions(ObjectKind kind) {
        return objects.versions(kind);
    }

    /** The sequence of the last committed change. */
    public synchronized long seq() {
        return seq;
    }

    /** Drops the touch records of changes up to {@code upTo}: no snapshot base older than that is still followed. */
    public synchronized void forgetTouchesUpTo(long upTo) {
        touches.forgetUpTo(upTo);
    }

    /**
     * Everything serving needs to bring {@code base} (a full catalog copied at change {@code base.version()})
     * to the current state ({@link TouchLog#patchSince}). Costs the size of the changes since the last call
     * for the same base, not the size of the catalog.
     */
    public synchronized CatalogPatch patchSince(Catalog base) {
        return touches.patchSince(base, seq, objects);
    }

    /** An immutable catalog of the current state; its version is the change sequence. */
    public Catalog catalog() {
        CatalogObjects.Copy copy;
        synchronized (this) {
            copy = objects.copy(seq);
        }
        return copy.toCatalog();
    }

    private void maybeSnapshot() {
        boolean due;
        synchronized (this) {
            due = changesSinceSnapshot >= snapshotEveryChanges;
        }
        if (due && snapshotRunning.compareAndSet(false, true)) {
            snapshotter.execute(() -> {
                try {
                    snapshot();
                } catch (IOException | RuntimeException e) {
                    LOG.error("catalog snapshot failed; the change log keeps growing until the next one succeeds", e);
                } finally {
                    snapshotRunning.set(false);
                }
            });
        }
    }

    /**
     * Writes a snapshot of the current state and deletes the change logs it covers (compaction). Writers
     * wait only while the log is switched and the state is copied.
     */
    public void snapshot() throws IOException {
        long at;
        CatalogObjects.Copy copy;
        List<Object> audiences;
        Map<ObjectKind, Map<Long, Long>> tombs;
        long atOffset;
        synchronized (this) {
            at = seq;
            atOffset = logOffset;
            if (log.segmentNumber() != seq + 1) {
                log.roll(seq + 1);
            }
            audiences = objects.audiences();
            tombs = objects.tombstones();
            changesSinceSnapshot = 0;
            copy = objects.copy(at);
        }
        StoreSnapshotFile.write(dir, at, atOffset, copy.toCatalog(), audiences, tombs);
        operations.sync();
        long keepFrom;
        synchronized (this) {
            keepFrom = log.segmentNumber();
        }
        for (Path f : ChangeLog.list(dir)) {
            if (ChangeLog.firstSeqOf(f) < keepFrom && ChangeLog.firstSeqOf(f) <= at) {
                Files.delete(f);
            }
        }
        RecordLog.syncDirectory(dir);
        LOG.info("catalog snapshot written at change {}", at);
    }

    @Override
    public void close() throws IOException {
        snapshotter.shutdown();
        try {
            snapshotter.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            log.close();
            operations.close();
        }
    }
}
