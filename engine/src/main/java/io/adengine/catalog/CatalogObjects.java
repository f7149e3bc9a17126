package io.adengine.catalog;

import io.adengine.model.Account;
import io.adengine.model.AdGroup;
import io.adengine.model.AdSpace;
import io.adengine.model.Campaign;
import io.adengine.model.Catalog;
import io.adengine.model.Creative;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The catalog store's current state in memory: every object by kind and id (id order), the version each
 * deleted object was deleted at (tombstones), and per child kind the children of each parent, for
 * cascading deletes. Changes go through {@link #put} and {@link #remove}, which note what they replaced
 * so that a refused batch can be {@linkplain #rollback rolled back}. Not thread-safe: the store's lock guards it.
 */
final class CatalogObjects {

    /** What a slot held before a change: restored by {@link #rollback}. */
    record Undo(ObjectKind kind, long id, Object previous, Long previousTombstone) {
    }

    private final Map<ObjectKind, Map<Long, Object>> objects = new EnumMap<>(ObjectKind.class);
    private final Map<ObjectKind, Map<Long, Long>> tombstones = new EnumMap<>(ObjectKind.class);
    private final Map<ObjectKind, Map<Long, Set<Long>>> children = new EnumMap<>(ObjectKind.class);

    CatalogObjects() {
        for (ObjectKind k : ObjectKind.values()) {
            // Id order, so that the catalog copied for each rebuild arrives already sorted.
            objects.put(k, new TreeMap<>());
            tombstones.put(k, new HashMap<>());
            children.put(k, new HashMap<>());
        }
    }

    /** Loads every object of a catalog (recovery: nothing to undo). */
    void load(Catalog catalog) {
        catalog.accounts().forEach(a -> put(a, null));
        catalog.campaigns().forEach(c -> put(c, null));
        catalog.adGroups().forEach(g -> put(g, null));
        catalog.creatives().forEach(c -> put(c, null));
        catalog.adSpaces().forEach(s -> put(s, null));
    }

    /** The current object of a kind and id, or {@code null}. */
    Object find(ObjectKind kind, long id) {
        return objects.get(kind).get(id);
    }

    /** The current objects of a kind, by id (id order). Never modify the result. */
    Map<Long, Object> all(ObjectKind kind) {
        return objects.get(kind);
    }

    /** The version a deleted object was deleted at, or {@code null}. */
    Long tombstone(ObjectKind kind, long id) {
        return tombstones.get(kind).get(id);
    }

    /** Notes that an object was deleted at a version (recovery from a snapshot file). */
    void tombstone(ObjectKind kind, long id, long version) {
        tombstones.get(kind).put(id, version);
    }

    /** A copy of every tombstone, by kind. */
    Map<ObjectKind, Map<Long, Long>> tombstones() {
        Map<ObjectKind, Map<Long, Long>> copy = new EnumMap<>(ObjectKind.class);
        tombstones.forEach((k, m) -> copy.put(k, new HashMap<>(m)));
        return copy;
    }

    /** The ids of a parent's children of one kind (empty when none). Never modify the result. */
    Set<Long> children(ObjectKind childKind, long parentId) {
        return children.get(childKind).getOrDefault(parentId, Set.of());
    }

    /** Id → version of every current object of a kind. */
    Map<Long, Long> versions(ObjectKind kind) {
        Map<Long, Long> v = new HashMap<>();
        objects.get(kind).forEach((id, o) -> v.put(id, ObjectKind.version(o)));
        return v;
    }

    /** Sets an object, noting the slot's previous content in {@code undo} (null: recovery, nothing to undo). */
    void put(Object value, List<Undo> undo) {
        ObjectKind kind = ObjectKind.of(value);
        long id = ObjectKind.id(value);
        if (undo != null) {
            undo.add(new Undo(kind, id, find(kind, id), tombstone(kind, id)));
        }
        restore(kind, id, value, null);
    }

    /** Deletes an object at a version (it leaves a tombstone), noting the slot's previous content in {@code undo}. */
    void remove(ObjectKind kind, long id, long version, List<Undo> undo) {
        undo.add(new Undo(kind, id, find(kind, id), tombstone(kind, id)));
        restore(kind, id, null, version);
    }

    /** Puts every slot a list of changes touched back as it was, newest first. */
    void rollback(List<Undo> undo) {
        for (int i = undo.size() - 1; i >= 0; i--) {
            Undo u = undo.get(i);
            restore(u.kind(), u.id(), u.previous(), u.previousTombstone());
        }
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

    /** The serving kinds' objects as lists, copied at a version (cheap, under the lock). */
    record Copy(long version, List<Account> accounts, List<Campaign> campaigns, List<AdGroup> adGroups, List<Creative> creatives,
                List<AdSpace> adSpaces) {

        /** The immutable catalog of the copy (indexes built here: call it outside the store's lock). */
        Catalog toCatalog() {
            return new Catalog(version, accounts, campaigns, adGroups, creatives, adSpaces);
        }
    }

    /** A copy of the current serving objects at a version. */
    Copy copy(long version) {
        return new Copy(version, copy(ObjectKind.ACCOUNT, Account.class), copy(ObjectKind.CAMPAIGN, Campaign.class),
                copy(ObjectKind.AD_GROUP, AdGroup.class), copy(ObjectKind.CREATIVE, Creative.class), copy(ObjectKind.AD_SPACE, AdSpace.class));
    }

    /** The current audiences (metadata only; they do not reach the serving catalog). */
    List<Object> audiences() {
        return new ArrayList<>(objects.get(ObjectKind.AUDIENCE).values());
    }

    private <T> List<T> copy(ObjectKind kind, Class<T> type) {
        List<T> list = new ArrayList<>(objects.get(kind).size());
        objects.get(kind).values().forEach(o -> list.add(type.cast(o)));
        return list;
    }
}
