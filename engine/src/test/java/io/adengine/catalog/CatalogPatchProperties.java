package io.adengine.catalog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adengine.config.EngineConfig;
import io.adengine.index.Snapshot;
import io.adengine.index.SnapshotBuilder;
import io.adengine.match.AdDecider;
import io.adengine.match.AdRequest;
import io.adengine.match.Decision;
import io.adengine.model.AdGroup;
import io.adengine.model.AdSpace;
import io.adengine.model.Catalog;
import io.adengine.catalog.CatalogJson;
import io.adengine.model.CatalogPatch;
import io.adengine.model.Dimension;
import io.adengine.testing.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store's incremental patch against a full copy: after random accepted changes through the store
 * (updates, moves between parents, cascading deletes, new objects, batches), the base catalog with
 * {@code patchSince(base)} laid over it equals {@code catalog()} in every lookup and collection, and a
 * snapshot patched with it (one delta, then a newest delta over it) decides every request exactly as a
 * full build of the current catalog does.
 */
class CatalogPatchProperties {

    private static final Path CONFIG_DIR = Path.of("..", "config").toAbsolutePath().normalize();
    private static final String[] COUNTRIES = {"IN", "IN", "IN", "ID", "US", null};
    private static final AtomicLong DECISIONS = new AtomicLong();
    private static final AtomicLong FILLED = new AtomicLong();

    @Test
    void patchSinceBaseShouldEqualTheCurrentCatalog() {
        Property.forAll(60, gen -> checkRandomChanges(gen.random()));
    }

    private static void checkRandomChanges(Random r) throws Exception {
        Path dir = Files.createTempDirectory("patch-props");
        try (CatalogStore store = CatalogStore.open(dir, CatalogJson.read(CONFIG_DIR.resolve("sample-catalog.json")),
                CatalogRules.load(CONFIG_DIR), () -> 1_000L, 1_000_000)) {
            SnapshotBuilder builder = new SnapshotBuilder(EngineConfig.AuctionConfig.defaults());
            for (int i = 0, n = r.nextInt(6); i < n; i++) {
                change(store, r);
            }
            Catalog base = store.catalog();
            Snapshot snapshot = builder.build(base);
            for (int round = 0; round < 3; round++) {
                for (int i = 0, n = 1 + r.nextInt(8); i < n; i++) {
                    change(store, r);
                }
                CatalogPatch patch = store.patchSince(base);
                Catalog current = store.catalog();
                Catalog overlay = Catalog.overlay(base, patch);
                assertThat(overlay.version()).isEqualTo(current.version());
                assertThat(overlay.accounts()).containsExactlyElementsOf(current.accounts());
                assertThat(overlay.campaigns()).containsExactlyElementsOf(current.campaigns());
                assertThat(overlay.adGroups()).containsExactlyElementsOf(current.adGroups());
                assertThat(overlay.adSpaces()).containsExactlyElementsOf(current.adSpaces());
                assertThat(overlay.creatives()).containsExactlyInAnyOrderElementsOf(current.creatives());
                for (AdGroup g : base.adGroups()) {
                    assertThat(overlay.adGroup(g.id())).isEqualTo(current.adGroup(g.id()));
                    assertThat(overlay.creativesOf(g.id())).isEqualTo(current.creativesOf(g.id()));
                }
                for (AdGroup g : current.adGroups()) {
                    assertThat(overlay.creativesOf(g.id())).isEqualTo(current.creativesOf(g.id()));
                    assertThat(overlay.campaign(g.campaignId())).isEqualTo(current.campaign(g.campaignId()));
                }
                // The first round lays one delta over the base; later ones keep it and add a newest delta, as the publisher does.
                snapshot = snapshot.segmentCount() < 2 ? builder.patch(snapshot, patch)
                        : builder.patchTop(snapshot, patch, patch.adGroupsChangedAfter(snapshot.segment(1).catalog().version()));
                sameDecisions(snapshot, builder.build(current), current, r);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** One random change or batch; true when the store applied it (refusals are fine too: they must leave no trace in the patch). */
    static boolean change(CatalogStore store, Random r) throws IOException {
        Catalog c = store.catalog();
        List<CatalogStore.Change> batch = new ArrayList<>();
        for (int i = 0, n = r.nextInt(4) == 0 ? 2 + r.nextInt(3) : 1; i < n; i++) {
            batch.add(randomChange(c, r));
        }
        return store.apply(batch, "test").status() == CatalogStore.Status.APPLIED;
    }

    private static CatalogStore.Change randomChange(Catalog c, Random r) {
        List<AdGroup> groups = new ArrayList<>(c.adGroups());
        List<io.adengine.model.Campaign> campaigns = new ArrayList<>(c.campaigns());
        int pick = r.nextInt(24);
        if (pick < 4) {
            AdGroup g = groups.get(r.nextInt(groups.size()));
            ObjectNode json = bumped(g, ObjectKind.AD_GROUP);
            ((ObjectNode) json.get("bid")).put("amountMicros", 100_000 + r.nextInt(5_000_000));
            if (r.nextInt(3) == 0) {
                json.put("deliveryOn", r.nextBoolean());
            }
            if (r.nextInt(3) == 0) {
                json.put("campaignId", campaigns.get(r.nextInt(campaigns.size())).id());
            }
            if (r.nextInt(4) == 0) {
                // A new group: same shape, fresh id.
                json.put("id", 5_000 + r.nextInt(50)).put("version", 1);
            }
            return CatalogStore.Change.put(ObjectKind.AD_GROUP.parse(json, ""));
        }
        if (pick < 6) {
            io.adengine.model.Campaign k = campaigns.get(r.nextInt(campaigns.size()));
            return CatalogStore.Change.put(ObjectKind.CAMPAIGN.parse(bumped(k, ObjectKind.CAMPAIGN).put("enabled", r.nextBoolean()), ""));
        }
        if (pick < 7) {
            io.adengine.model.Account a = new ArrayList<>(c.accounts()).get(r.nextInt(c.accounts().size()));
            return CatalogStore.Change.put(ObjectKind.ACCOUNT.parse(
                    bumped(a, ObjectKind.ACCOUNT).put("balanceMicros", r.nextInt(3) == 0 ? 0 : 1_000_000_000L), ""));
        }
        if (pick < 9 && !c.creatives().isEmpty()) {
            List<io.adengine.model.Creative> creatives = new ArrayList<>(c.creatives());
            io.adengine.model.Creative cr = creatives.get(r.nextInt(creatives.size()));
            if (r.nextInt(4) == 0) {
                return CatalogStore.Change.delete(ObjectKind.CREATIVE, cr.id(), 0);
            }
            ObjectNode json = bumped(cr, ObjectKind.CREATIVE).put("adGroupId", groups.get(r.nextInt(groups.size())).id());
            if (r.nextInt(3) == 0) {
                json.put("id", 9_000 + r.nextInt(50)).put("version", 1);
            }
            return CatalogStore.Change.put(ObjectKind.CREATIVE.parse(json, ""));
        }
        if (pick < 10) {
            AdSpace s = new ArrayList<>(c.adSpaces()).get(r.nextInt(c.adSpaces().size()));
            return CatalogStore.Change.put(ObjectKind.AD_SPACE.parse(bumped(s, ObjectKind.AD_SPACE).put("floorCpmMicros", r.nextInt(3_000_000)), ""));
        }
        if (pick < 12 && groups.size() > 4) {
            return CatalogStore.Change.delete(ObjectKind.AD_GROUP, groups.get(r.nextInt(groups.size())).id(), 0);
        }
        if (pick < 13 && campaigns.size() > 3) {
            return CatalogStore.Change.delete(ObjectKind.CAMPAIGN, campaigns.get(r.nextInt(campaigns.size())).id(), 0);
        }
        // Mostly bid and switch changes, the commonest traffic of a real control plane.
        AdGroup g = groups.get(r.nextInt(groups.size()));
        ObjectNode json = bumped(g, ObjectKind.AD_GROUP);
        ((ObjectNode) json.get("bid")).put("amountMicros", 100_000 + r.nextInt(5_000_000));
        return CatalogStore.Change.put(ObjectKind.AD_GROUP.parse(json, ""));
    }

    private static ObjectNode bumped(Object value, ObjectKind kind) {
        ObjectNode json = ObjectKind.toJson(value).deepCopy();
        return json.put("version", ObjectKind.version(value) + 1);
    }

    static void sameDecisions(Snapshot patched, Snapshot full, Catalog current, Random r) {
        AdDecider decider = new AdDecider();
        AdRequest request = new AdRequest();
        Decision a = new Decision();
        Decision b = new Decision();
        for (AdSpace space : current.adSpaces()) {
            for (String country : COUNTRIES) {
                request.reset();
                request.adSpaceId(space.id()).count(1 + r.nextInt(3)).value(Dimension.COUNTRY, country).value(Dimension.LANGUAGE, "en")
                        .osVersion(io.adengine.model.OsVersionRange.encode("13"))
                        .nowMillis(1_796_000_000_000L + r.nextInt(86_400_000)).seed(r.nextLong());
                decider.decide(patched, request, a);
                decider.decide(full, request, b);
                assertThat(a.outcome()).isEqualTo(b.outcome());
                assertThat(a.filled()).isEqualTo(b.filled());
                for (int slot = 0; slot < a.filled(); slot++) {
                    assertThat(patched.group(a.ordinal(slot)).id()).isEqualTo(full.group(b.ordinal(slot)).id());
                    assertThat(a.clearingCpm(slot)).isEqualTo(b.clearingCpm(slot));
                    assertThat(a.chargePerUnit(slot)).isEqualTo(b.chargePerUnit(slot));
                    assertThat(a.creative(slot)).isEqualTo(b.creative(slot));
                }
                DECISIONS.incrementAndGet();
                if (a.filled() > 0) {
                    FILLED.incrementAndGet();
                }
            }
        }
    }

    @AfterAll
    static void decisionsShouldOftenFill() {
        if (Property.replaying()) {
            return;
        }
        // Comparing two empty answers proves little: the sample catalog must keep filling under the changes.
        assertThat(FILLED.get()).as("filled of %d compared decisions", DECISIONS.get()).isGreaterThan(DECISIONS.get() / 20);
    }
}
