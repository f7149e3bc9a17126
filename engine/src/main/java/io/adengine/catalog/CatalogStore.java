package io.adengine.catalog;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adengine.model.Account;
import io.adengine.model.AdGroup;
import io.adengine.model.AdSpace;
import io.adengine.model.Campaign;
import io.adengine.model.Catalog;
import io.adengine.model.CatalogPatch;
import io.adengine.model.Creative;
import io.adengine.storage.RecordLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
 * <p>On disk ({@code dataDir}): {@code snapshot.json} (a catalog document plus {@code seq}, {@code audiences}
 * and {@code tombstones}, replaced atomically), {@code changes-<first seq>.log} files holding every change
 * after it, and {@code operations.jsonl}. Opening replays the snapshot and the logs.
 */
public final class CatalogStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogStore.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final String SNAPSHOT_FILE = "snapshot.json";
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

    private record Undo(ObjectKind kind, long id, Object previous, Long previousTombstone) {
    }

    private final Path dir;
    private final CatalogRules rules;
    private final LongSupplier clock;
    private final int snapshotEveryChanges;
    private final Map<ObjectKind, Map<Long, Object>> objects = new EnumMap<>(ObjectKind.class);
    private final Map<ObjectKind, Map<Long, Long>> tombstones = new EnumMap<>(ObjectKind.class);
    /** Per child kind: parent id → ids of its children, for cascading deletes. */
    private final Map<ObjectKind, Map<Long, Set<Long>>> children = new EnumMap<>(ObjectKind.class);
    private final ExecutorService snapshotter;
    private final AtomicBoolean snapshotRunning = new AtomicBoolean();
    private volatile Runnable onCommit = () -> { };
    private OperationLog operations;
    private RecordLog log;
    private long seq;
    private long changesSinceSnapshot;
    /**
     * Which objects each committed change touched, in commit order: {@code touchSeq[i]} committed
     * {@code touchKind[i]}/{@code touchId[i]}. Serving asks for what was touched after its base
     * ({@link #patchSince}); {@link #forgetTouchesUpTo} drops what no base needs any more.
     */
    private final Map<Long, PatchSoFar> patchesSoFar = new HashMap<>();
    private long[] touchSeq = new long[1024];
    private byte[] touchKind = new byte[1024];
    private long[] touchId = new long[1024];
    private int touches;

    private CatalogStore(Path dir, CatalogRules rules, LongSupplier clock, int snapshotEveryChanges) {
        this.dir = dir;
        this.rules = rules;
        this.clock = clock;
        this.snapshotEveryChanges = snapshotEveryChanges;
        for (ObjectKind k : ObjectKind.values()) {
            // Id order, so that the catalog copied for each rebuild arrives already sorted.
            objects.put(k, new TreeMap<>());
            tombstones.put(k, new HashMap<>());
            children.put(k, new HashMap<>());
        }
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
        Path snapshot = dir.resolve(SNAPSHOT_FILE);
        Files.deleteIfExists(dir.resolve(SNAPSHOT_FILE + ".tmp"));
        if (Files.exists(snapshot)) {
            JsonNode root = MAPPER.readTree(snapshot.toFile());
            load(CatalogJson.read(root));
            seq = root.path("seq").asLong();
            for (JsonNode a : root.path("audiences")) {
                put((Audience) ObjectKind.AUDIENCE.parse(a, "audiences"), null);
            }
            JsonNode tombs = root.path("tombstones");
            for (ObjectKind k : ObjectKind.values()) {
                tombs.path(k.pathName()).properties().forEach(e -> tombstones.get(k).put(Long.parseLong(e.getKey()), e.getValue().asLong()));
            }
            LOG.info("catalog store: snapshot at change {} loaded", seq);
        } else if (seedCatalog != null) {
            load(seedCatalog);
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

    private void load(Catalog catalog) {
        catalog.accounts().forEach(a -> put(a, null));
        catalog.campaigns().forEach(c -> put(c, null));
        catalog.adGroups().forEach(g -> put(g, null));
        catalog.creatives().forEach(c -> put(c, null));
        catalog.adSpaces().forEach(s -> put(s, null));
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
        RecordLog target;
        long position;
        long committed;
        synchronized (this) {
            long time = clock.getAsLong();
            List<Undo> undo = new ArrayList<>();
            List<ObjectNode> ops = new ArrayList<>();
            List<Problem> problems = new ArrayList<>();
            Outcome firstRefusal = null;
            // The JSON of each applied PUT's object, made once for its operation-log entry and reused in the change log.
            com.fasterxml.jackson.databind.JsonNode[] putJson = new com.fasterxml.jackson.databind.JsonNode[changes.size()];
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
                rollback(undo);
                return new Outcome(problems.isEmpty() ? firstRefusal.status() : Status.INVALID, List.copyOf(problems),
                        firstRefusal.message(), seq);
            }
            target = log;
            if (ops.isEmpty()) {
                position = log.position();
                committed = 0;
            } else {
                long next = seq + 1;
                ObjectNode record = MAPPER.createObjectNode().put("seq", next).put("time", time).put("operator", operator);
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
                try {
                    position = log.append(MAPPER.writeValueAsBytes(record));
                } catch (IOException | RuntimeException e) {
                    rollback(undo);
                    throw e;
                }
                seq = next;
                committed = next;
                for (Undo u : undo) {
                    touched(next, u.kind(), u.id());
                    // A creative leaving a group changes that group too: note it now, its old parent is not known later.
                    if (u.kind() == ObjectKind.CREATIVE && u.previous() != null) {
                        touched(next, ObjectKind.AD_GROUP, ((Creative) u.previous()).adGroupId());
                    }
                }
                operations.append(next, ops);
                changesSinceSnapshot++;
            }
        }
        target.awaitDurable(position);
        if (committed == 0) {
            return new Outcome(Status.UNCHANGED, List.of(), "already at this version", seq());
        }
        onCommit.run();
        maybeSnapshot();
        return new Outcome(Status.APPLIED, List.of(), "applied", committed);
    }

    private Outcome applyOne(Change c, List<Undo> undo, List<ObjectNode> ops, boolean validate, long time, String operator) {
        Map<Long, Object> current = objects.get(c.kind());
        Object before = current.get(c.id());
        Long tomb = tombstones.get(c.kind()).get(c.id());
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
            put(c.value(), undo);
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

    private void cascadeDelete(ObjectKind kind, long id, long version, List<Undo> undo, List<ObjectNode> ops, long time,
                               String operator, String cascadeOf) {
        Object before = objects.get(kind).get(id);
        remove(kind, id, version, undo);
        ops.add(entry(kind, id, "DELETE", version, before, null, time, operator, cascadeOf));
        for (ObjectKind child : ObjectKind.values()) {
            if (child.parent() == kind) {
                Set<Long> ids = children.get(child).get(id);
                if (ids != null) {
                    for (long childId : List.copyOf(ids)) {
                        Object c = objects.get(child).get(childId);
                        cascadeDelete(child, childId, ObjectKind.version(c), undo, ops, time, operator, kind.pathName() + "/" + id);
                    }
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

    private void put(Object value, List<Undo> undo) {
        ObjectKind kind = ObjectKind.of(value);
        long id = ObjectKind.id(value);
        if (undo != null) {
            undo.add(new Undo(kind, id, objects.get(kind).get(id), tombstones.get(kind).get(id)));
        }
        restore(kind, id, value, null);
    }

    private void remove(ObjectKind kind, long id, long version, List<Undo> undo) {
        undo.add(new Undo(kind, id, objects.get(kind).get(id), tombstones.get(kind).get(id)));
        restore(kind, id, null, version);
    }

    /** Sets one object slot (object or tombstone) and keeps the children index in step. */
    private void restore(ObjectKind kind, long id, Object value, Long tombstone) {
        Object old = value == null ? objects.get(kind).remove(id) : objects.get(kind).put(id, value);
        if (kind.parent() != null) {
            if (old != null) {
                Set<Long> siblings = children.get(kind).get(ObjectKind.parentId(old));
                if (siblings != null) {
                    siblings.remove(id);
                }
            }
            if (value != null) {
                children.get(kind).computeIfAbsent(ObjectKind.parentId(value), p -> new LinkedHashSet<>()).add(id);
            }
        }
        if (tombstone == null) {
            tombstones.get(kind).remove(id);
        } else {
            tombstones.get(kind).put(id, tombstone);
        }
    }

    private void rollback(List<Undo> undo) {
        for (int i = undo.size() - 1; i >= 0; i--) {
            Undo u = undo.get(i);
            restore(u.kind(), u.id(), u.previous(), u.previousTombstone());
        }
    }

    /** The current object of this kind and id, or {@code null}. */
    public synchronized Object find(ObjectKind kind, long id) {
        return objects.get(kind).get(id);
    }

    /** The version a deleted object was deleted at, or {@code null} when it was not deleted. */
    public synchronized Long deletedVersion(ObjectKind kind, long id) {
        return tombstones.get(kind).get(id);
    }

    /** Id → version of every current object of a kind (for sync clients comparing versions). */
    public synchronized Map<Long, Long> versions(ObjectKind kind) {
        Map<Long, Long> v = new HashMap<>();
        objects.get(kind).forEach((id, o) -> v.put(id, ObjectKind.version(o)));
        return v;
    }

    /** The sequence of the last committed change. */
    public synchronized long seq() {
        return seq;
    }

    private void touched(long at, ObjectKind kind, long id) {
        if (touches == touchSeq.length) {
            touchSeq = java.util.Arrays.copyOf(touchSeq, touches * 2);
            touchKind = java.util.Arrays.copyOf(touchKind, touches * 2);
            touchId = java.util.Arrays.copyOf(touchId, touches * 2);
        }
        touchSeq[touches] = at;
        touchKind[touches] = (byte) kind.ordinal();
        touchId[touches] = id;
        touches++;
    }

    /** Drops the touch records of changes up to {@code seq}: no snapshot base older than that is still followed. */
    public synchronized void forgetTouchesUpTo(long upTo) {
        int keep = 0;
        while (keep < touches && touchSeq[keep] <= upTo) {
            keep++;
        }
        System.arraycopy(touchSeq, keep, touchSeq, 0, touches - keep);
        System.arraycopy(touchKind, keep, touchKind, 0, touches - keep);
        System.arraycopy(touchId, keep, touchId, 0, touches - keep);
        touches -= keep;
    }

    /**
     * Everything serving needs to bring {@code base} (a full catalog copied at change {@code base.version()})
     * to the current state: the current state of every ad group touched since, directly or through its
     * campaign, account or creatives (a creative that moved affects both of its groups: the old one is noted
     * as touched when the move commits), with its creatives,
     * campaign and account, plus every touched account, campaign and ad space ({@code null}: deleted).
     * Costs the size of the changes, not of the catalog. Audience metadata does not reach the snapshot.
     */
    public synchronized CatalogPatch patchSince(Catalog base) {
        // Serving asks again and again about the same base: keep the answer and bring it up to date with the
        // touches since the last call, so that a call costs the newest changes (plus copying the maps).
        // Two bases at most are followed at once: the serving one, and the new one a compaction is building.
        PatchSoFar p = patchesSoFar.get(base.version());
        if (p == null || p.upTo > seq) {
            p = new PatchSoFar(base.version());
            if (patchesSoFar.size() >= 2) {
                patchesSoFar.remove(java.util.Collections.min(patchesSoFar.keySet()));
            }
            patchesSoFar.put(base.version(), p);
        }
        Map<Long, Object> accountObjects = objects.get(ObjectKind.ACCOUNT);
        Map<Long, Object> campaignObjects = objects.get(ObjectKind.CAMPAIGN);
        Map<Long, Object> groupObjects = objects.get(ObjectKind.AD_GROUP);
        Map<Long, Object> creativeObjects = objects.get(ObjectKind.CREATIVE);
        // Ad groups affected since the last call → the latest change that affected each.
        Map<Long, Long> fresh = new HashMap<>();
        ObjectKind[] kinds = ObjectKind.values();
        for (int i = firstTouchAfter(Math.max(p.upTo, base.version())); i < touches; i++) {
            long id = touchId[i];
            Long at = touchSeq[i];
            switch (kinds[touchKind[i]]) {
                case ACCOUNT -> {
                    p.accounts.put(id, (Account) accountObjects.get(id));
                    for (long campaign : children.get(ObjectKind.CAMPAIGN).getOrDefault(id, Set.of())) {
                        children.get(ObjectKind.AD_GROUP).getOrDefault(campaign, Set.of()).forEach(g -> fresh.put(g, at));
                    }
                }
                case CAMPAIGN -> {
                    p.campaigns.put(id, (Campaign) campaignObjects.get(id));
                    children.get(ObjectKind.AD_GROUP).getOrDefault(id, Set.of()).forEach(g -> fresh.put(g, at));
                }
                case AD_GROUP -> fresh.put(id, at);
                case CREATIVE -> {
                    Creative now = (Creative) creativeObjects.get(id);
                    if (now != null) {
                        fresh.put(now.adGroupId(), at);
                    }
                }
                case AD_SPACE -> p.spaces.put(id, (AdSpace) objects.get(ObjectKind.AD_SPACE).get(id));
                case AUDIENCE -> { }
            }
        }
        for (Map.Entry<Long, Long> e : fresh.entrySet()) {
            long id = e.getKey();
            p.changedAt.put(id, e.getValue());
            AdGroup g = (AdGroup) groupObjects.get(id);
            p.adGroups.put(id, g);
            p.creatives.remove(id);
            if (g == null) {
                continue;
            }
            Set<Long> ids = children.get(ObjectKind.CREATIVE).get(id);
            if (ids != null && !ids.isEmpty()) {
                long[] sorted = new long[ids.size()];
                int n = 0;
                for (long c : ids) {
                    sorted[n++] = c;
                }
                java.util.Arrays.sort(sorted);
                Creative[] list = new Creative[n];
                for (int k = 0; k < n; k++) {
                    list[k] = (Creative) creativeObjects.get(sorted[k]);
                }
                p.creatives.put(id, List.of(list));
            }
            // An untouched campaign or account is the same object it was at the base: only fill the gaps.
            Campaign campaign = (Campaign) campaignObjects.get(g.campaignId());
            if (campaign != null) {
                p.campaigns.putIfAbsent(campaign.id(), campaign);
                Account account = (Account) accountObjects.get(campaign.accountId());
                if (account != null) {
                    p.accounts.putIfAbsent(account.id(), account);
                }
            }
        }
        p.upTo = seq;
        return new CatalogPatch(seq, new HashMap<>(p.accounts), new HashMap<>(p.campaigns), new HashMap<>(p.adGroups),
                new HashMap<>(p.creatives), new HashMap<>(p.spaces), new HashMap<>(p.changedAt));
    }

    /** The index of the first touch record of a change after {@code version} (records are in commit order). */
    private int firstTouchAfter(long version) {
        int lo = 0;
        int hi = touches;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (touchSeq[mid] <= version) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** {@link #patchSince}'s answer for one base, as of change {@code upTo}; guarded by the store's lock. */
    private static final class PatchSoFar {
        final long baseVersion;
        long upTo;
        final Map<Long, Account> accounts = new HashMap<>();
        final Map<Long, Campaign> campaigns = new HashMap<>();
        final Map<Long, AdGroup> adGroups = new HashMap<>();
        final Map<Long, List<Creative>> creatives = new HashMap<>();
        final Map<Long, AdSpace> spaces = new HashMap<>();
        final Map<Long, Long> changedAt = new HashMap<>();

        PatchSoFar(long baseVersion) {
            this.baseVersion = baseVersion;
            this.upTo = baseVersion;
        }
    }

    /** An immutable catalog of the current state; its version is the change sequence. */
    public Catalog catalog() {
        long version;
        List<Account> accounts;
        List<Campaign> campaigns;
        List<AdGroup> groups;
        List<Creative> creatives;
        List<AdSpace> spaces;
        synchronized (this) {
            version = seq;
            accounts = copy(ObjectKind.ACCOUNT, Account.class);
            campaigns = copy(ObjectKind.CAMPAIGN, Campaign.class);
            groups = copy(ObjectKind.AD_GROUP, AdGroup.class);
            creatives = copy(ObjectKind.CREATIVE, Creative.class);
            spaces = copy(ObjectKind.AD_SPACE, AdSpace.class);
        }
        return new Catalog(version, accounts, campaigns, groups, creatives, spaces);
    }

    private <T> List<T> copy(ObjectKind kind, Class<T> type) {
        List<T> list = new ArrayList<>(objects.get(kind).size());
        objects.get(kind).values().forEach(o -> list.add(type.cast(o)));
        return list;
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
        Catalog catalog;
        List<Account> accounts;
        List<Campaign> campaigns;
        List<AdGroup> groups;
        List<Creative> creatives;
        List<AdSpace> spaces;
        List<Object> audiences;
        Map<ObjectKind, Map<Long, Long>> tombs = new EnumMap<>(ObjectKind.class);
        synchronized (this) {
            at = seq;
            if (log.segmentNumber() != seq + 1) {
                log.roll(seq + 1);
            }
            audiences = new ArrayList<>(objects.get(ObjectKind.AUDIENCE).values());
            tombstones.forEach((k, m) -> tombs.put(k, new HashMap<>(m)));
            changesSinceSnapshot = 0;
            accounts = copy(ObjectKind.ACCOUNT, Account.class);
            campaigns = copy(ObjectKind.CAMPAIGN, Campaign.class);
            groups = copy(ObjectKind.AD_GROUP, AdGroup.class);
            creatives = copy(ObjectKind.CREATIVE, Creative.class);
            spaces = copy(ObjectKind.AD_SPACE, AdSpace.class);
        }
        catalog = new Catalog(at, accounts, campaigns, groups, creatives, spaces);
        Path tmp = dir.resolve(SNAPSHOT_FILE + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp); JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("version", at);
            g.writeNumberField("seq", at);
            writeArray(g, "accounts", catalog.accounts());
            writeArray(g, "campaigns", catalog.campaigns());
            writeArray(g, "adGroups", catalog.adGroups());
            writeArray(g, "creatives", catalog.creatives());
            writeArray(g, "adSpaces", catalog.adSpaces());
            writeArray(g, "audiences", audiences);
            g.writeObjectFieldStart("tombstones");
            for (ObjectKind k : ObjectKind.values()) {
                g.writeObjectFieldStart(k.pathName());
                for (Map.Entry<Long, Long> e : tombs.get(k).entrySet()) {
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
        Files.move(tmp, dir.resolve(SNAPSHOT_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        RecordLog.syncDirectory(dir);
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

    private static void writeArray(JsonGenerator g, String name, Iterable<?> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (Object v : values) {
            MAPPER.writeTree(g, ObjectKind.toJson(v));
        }
        g.writeEndArray();
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
