package io.adengine.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adengine.catalog.CatalogJson;
import io.adengine.catalog.CatalogRules;
import io.adengine.catalog.CatalogStore;
import io.adengine.catalog.ObjectKind;
import io.adengine.cluster.CatalogLog;
import io.adengine.config.ClusterConfig;
import io.adengine.config.EngineConfig;
import io.adengine.match.BudgetGate;
import io.adengine.testing.EmbeddedKafka;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three engine replicas in this JVM sharing one catalog through a real in-process KRaft broker: a change made
 * through one replica is served by all; concurrent conflicting changes through two replicas end with the same
 * store everywhere (decided in log order); a restarted replica resumes without re-applying; a fresh replica
 * replays the log and turns ready. Also measures change → served on every replica (printed, not asserted).
 */
class ClusterCatalogTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path CONFIG_DIR = FullEngine.CONFIG_DIR;
    /** Generous: a wait for something that must happen, never a latency bound. */
    private static final long DEADLINE_MILLIS = 60_000;

    @TempDir
    static Path brokerDir;
    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = EmbeddedKafka.start(brokerDir.resolve("kafka"));
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    /** One replica: an engine with a cluster section and its own data folder. */
    private static final class Replica implements AutoCloseable {
        final Engine engine;
        final EngineConfig config;

        Replica(Path dataDir, int id, String topic) throws Exception {
            this(dataDir, id, topic, 1_000);
        }

        /** A replica whose store writes a snapshot (with its log offset) every {@code snapshotEvery} changes. */
        Replica(Path dataDir, int id, String topic, int snapshotEvery) throws Exception {
            config = EngineConfig.defaults(CONFIG_DIR.resolve("sample-catalog.json"))
                    .withSync(new EngineConfig.SyncConfig(dataDir, CONFIG_DIR, EngineConfig.SyncConfig.REBUILD_INTERVAL_MILLIS_DEFAULT,
                            snapshotEvery, 4))
                    .withCluster(ClusterConfig.replica(kafka.bootstrap(), id, topic, topic + "-events"));
            engine = Engine.start(config, CatalogJson.read(config.catalogPath()), System::currentTimeMillis, () -> 42L, BudgetGate.UNLIMITED);
        }

        CatalogStore store() {
            return engine.sync().orElseThrow().store();
        }

        CatalogLog log() {
            return engine.catalogLog().orElseThrow();
        }

        RawHttp.Answer admin(String method, String target, String body) throws IOException {
            return RawHttp.send(engine.adminPort(), method, target, "Authorization: Bearer " + config.adminToken() + "\r\n",
                    body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        }

        RawHttp.Answer admin(String method, String target, String body, String operator) throws IOException {
            return RawHttp.send(engine.adminPort(), method, target, "Authorization: Bearer " + config.adminToken() + "\r\n"
                    + "X-Operator: " + operator + "\r\n", body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        }

        RawHttp.Answer pub(String method, String target, String body) throws IOException {
            return RawHttp.send(engine.publicPort(), method, target, "", body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        }

        long servedVersion() {
            return engine.snapshots().current().version();
        }

        @Override
        public void close() {
            engine.close();
        }
    }

    private static String adGroup(long id, long version, long bidMicros) throws IOException {
        JsonNode doc = MAPPER.readTree(CONFIG_DIR.resolve("sample-catalog.json").toFile());
        for (JsonNode g : doc.path("adGroups")) {
            if (g.path("id").asLong() == id) {
                com.fasterxml.jackson.databind.node.ObjectNode o = g.deepCopy();
                o.put("version", version);
                ((com.fasterxml.jackson.databind.node.ObjectNode) o.path("bid")).put("amountMicros", bidMicros);
                return MAPPER.writeValueAsString(o);
            }
        }
        throw new IllegalArgumentException("no ad group " + id);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(2);
        }
    }

    private static void awaitSameOffset(Replica... replicas) throws InterruptedException {
        await("every replica at the same log offset", () -> Arrays.stream(replicas)
                .mapToLong(r -> r.log().nextOffset()).distinct().count() == 1
                && replicas[0].log().nextOffset() >= endOffset(replicas[0]));
    }

    private static long endOffset(Replica r) {
        try {
            String metrics = r.admin("GET", "/metrics", null).body();
            for (String line : metrics.split("\n")) {
                if (line.startsWith("adengine_cluster_catalog_end_offset ")) {
                    return (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
                }
            }
            return Long.MAX_VALUE;
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Everything a store holds, in a form two stores can be compared by: every object and tombstone of every kind, the sequence. */
    private static Map<String, Object> contents(CatalogStore store) throws IOException {
        Map<String, Object> all = new TreeMap<>();
        all.put("seq", store.seq());
        all.put("logOffset", store.logOffset());
        for (ObjectKind kind : ObjectKind.values()) {
            for (Map.Entry<Long, Long> e : new TreeMap<>(store.versions(kind)).entrySet()) {
                all.put(kind.pathName() + "/" + e.getKey(), ObjectKind.toJson(store.find(kind, e.getKey())).toString());
            }
            for (long id = 1; id <= 1_000; id++) {
                Long deleted = store.deletedVersion(kind, id);
                if (deleted != null) {
                    all.put(kind.pathName() + "/" + id + "/deleted", deleted);
                }
            }
        }
        ByteArrayOutputStream exported = new ByteArrayOutputStream();
        CatalogJson.write(store.catalog(), exported);
        all.put("export", MAPPER.readTree(exported.toByteArray()));
        all.put("operations", store.operations().query(null, 0, null, 0, Long.MAX_VALUE, 10_000).toString());
        return all;
    }

    @Test
    void aChangeThroughOneReplicaShouldBeServedByEveryReplica() throws Exception {
        String topic = "catalog-served";
        try (Replica r1 = new Replica(dir.resolve("r1"), 1, topic); Replica r2 = new Replica(dir.resolve("r2"), 2, topic);
             Replica r3 = new Replica(dir.resolve("r3"), 3, topic)) {
            RawHttp.Answer put = r1.admin("PUT", "/v1/admin/catalog/ad-groups/100", adGroup(100, 2, 400_000));
            assertThat(put.status()).as(put.body()).isEqualTo(200);
            long seq = MAPPER.readTree(put.body()).path("seq").asLong();
            assertThat(MAPPER.readTree(put.body()).path("status").asText()).isEqualTo("applied");

            for (Replica r : List.of(r1, r2, r3)) {
                await("replica serving change " + seq, () -> r.servedVersion() >= seq);
                RawHttp.Answer ads = r.pub("POST", "/v1/ads", Files.readString(CONFIG_DIR.resolve("sample-request.json")));
                assertThat(ads.status()).isEqualTo(200);
                assertThat(MAPPER.readTree(ads.body()).path("catalogVersion").asLong()).isEqualTo(seq);
                JsonNode group = MAPPER.readTree(r.admin("GET", "/v1/admin/catalog/ad-groups/100", null).body());
                assertThat(group.path("version").asLong()).isEqualTo(2);
                assertThat(group.path("bid").path("amountMicros").asLong()).isEqualTo(400_000);
                assertThat(r.pub("GET", "/health", null).status()).isEqualTo(200);
            }
            // The same change again through another replica: unchanged (it went through the log and was a no-op there).
            RawHttp.Answer again = r2.admin("PUT", "/v1/admin/catalog/ad-groups/100", adGroup(100, 2, 400_000));
            assertThat(again.status()).isEqualTo(200);
            assertThat(MAPPER.readTree(again.body()).path("status").asText()).isEqualTo("unchanged");
            // Validation is the store's, in log order: an ad group of a campaign that does not exist is 422 naming the field.
            RawHttp.Answer invalid = r3.admin("PUT", "/v1/admin/catalog/ad-groups/900",
                    adGroup(100, 1, 1).replace("\"id\":100", "\"id\":900").replace("\"campaignId\":10", "\"campaignId\":999"));
            assertThat(invalid.status()).as(invalid.body()).isEqualTo(422);
            assertThat(invalid.body()).contains("campaignId");
            awaitSameOffset(r1, r2, r3);
            assertThat(contents(r2.store())).isEqualTo(contents(r1.store()));
            assertThat(contents(r3.store())).isEqualTo(contents(r1.store()));
            for (Replica r : List.of(r1, r2, r3)) {
                String metrics = r.admin("GET", "/metrics", null).body();
                assertThat(metrics).contains("# TYPE adengine_cluster_catalog_lag_records gauge", "adengine_cluster_catalog_lag_records 0",
                        "adengine_cluster_caught_up 1", "adengine_cluster_catalog_applied_offset 2",
                        "adengine_cluster_catalog_records_total{outcome=\"applied\"} 1.0",
                        "adengine_cluster_catalog_records_total{outcome=\"unchanged\"} 1.0",
                        "adengine_cluster_catalog_records_total{outcome=\"refused\"} 1.0");
            }
        }
    }

    @Test
    void theClusterMetricsShouldPassPromtool() throws Exception {
        try (Replica r1 = new Replica(dir.resolve("r1"), 1, "catalog-metrics")) {
            assertThat(r1.admin("PUT", "/v1/admin/catalog/ad-groups/211", adGroup(211, 2, 123_456)).status()).isEqualTo(200);
            String metrics = r1.admin("GET", "/metrics", null).body();
            assertThat(metrics).contains("adengine_cluster_catalog_end_offset 1");
            io.adengine.testing.Promtool.assertAccepts(metrics);
        }
    }

    @Test
    void concurrentConflictingChangesShouldEndWithTheSameStoreOnEveryReplica() throws Exception {
        String topic = "catalog-conflicts";
        try (Replica r1 = new Replica(dir.resolve("r1"), 1, topic); Replica r2 = new Replica(dir.resolve("r2"), 2, topic);
             Replica r3 = new Replica(dir.resolve("r3"), 3, topic)) {
            int rounds = 15;
            for (int round = 0; round < rounds; round++) {
                long version = round + 2;
                // The same version with different content through two replicas at once: the first in the log wins, the other is 409.
                String a = adGroup(101, version, 500_000 + round);
                String b = adGroup(101, version, 600_000 + round);
                CompletableFuture<RawHttp.Answer> fa = CompletableFuture.supplyAsync(() -> send(r1, "PUT", "/v1/admin/catalog/ad-groups/101", a));
                CompletableFuture<RawHttp.Answer> fb = CompletableFuture.supplyAsync(() -> send(r2, "PUT", "/v1/admin/catalog/ad-groups/101", b));
                List<Integer> statuses = new ArrayList<>(List.of(fa.get().status(), fb.get().status()));
                statuses.sort(null);
                assertThat(statuses).as("round " + round + ": " + fa.get().body() + " / " + fb.get().body()).containsExactly(200, 409);
                long winnerBid = fa.get().status() == 200 ? 500_000 + round : 600_000 + round;
                for (Replica r : List.of(r1, r2)) {
                    JsonNode g = MAPPER.readTree(r.admin("GET", "/v1/admin/catalog/ad-groups/101", null).body());
                    assertThat(g.path("bid").path("amountMicros").asLong()).as("the answering replica applied the winner").isEqualTo(winnerBid);
                }
            }
            // A cascade racing a child's update: whichever comes first in the log, every replica ends the same.
            CompletableFuture<RawHttp.Answer> delete = CompletableFuture.supplyAsync(() -> send(r3, "DELETE", "/v1/admin/catalog/campaigns/10", null));
            CompletableFuture<RawHttp.Answer> update = CompletableFuture.supplyAsync(
                    () -> send(r1, "PUT", "/v1/admin/catalog/ad-groups/100", uncheckedAdGroup(100, 5, 700_000)));
            assertThat(delete.get().status()).isEqualTo(200);
            // Before the delete in the log: applied, then cascaded away; after it: its campaign is gone (422).
            assertThat(update.get().status()).isIn(200, 422);
            awaitSameOffset(r1, r2, r3);
            Map<String, Object> expected = contents(r1.store());
            assertThat(contents(r2.store())).isEqualTo(expected);
            assertThat(contents(r3.store())).isEqualTo(expected);
            assertThat(r1.store().find(ObjectKind.CAMPAIGN, 10)).isNull();
        }
    }

    /**
     * Random changes (puts of ad groups and campaigns at random versions, some new, some stale, some invalid;
     * deletes with cascades) sent concurrently through three replicas. Oracle: a single, plain
     * {@link CatalogStore} fed the catalog log's records in log order through {@link CatalogStore#apply} (today's
     * single-process path, with the proposer's clock): every replica's store must equal it, operation log included,
     * and every answer a client got must be the outcome the reference gave that record.
     */
    @Test
    void replicasShouldEqualOneStoreFedTheLogInOrder() throws Exception {
        String topic = "catalog-oracle";
        try (Replica r1 = new Replica(dir.resolve("r1"), 1, topic); Replica r2 = new Replica(dir.resolve("r2"), 2, topic);
             Replica r3 = new Replica(dir.resolve("r3"), 3, topic)) {
            List<Replica> replicas = List.of(r1, r2, r3);
            Map<String, Integer> answers = new java.util.concurrent.ConcurrentHashMap<>();
            io.adengine.testing.Property.forAll(1, gen -> {
                List<List<String[]>> perReplica = new ArrayList<>();
                for (int r = 0; r < 3; r++) {
                    List<String[]> ops = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        ops.add(randomChange(gen, r * 1_000 + i));
                    }
                    // One change per replica the log's apply must refuse (an ad group moved to a campaign the
                    // catalog does not hold), so the mix holds an invalid change whatever the random draw.
                    ops.add(gen.ints(0, ops.size()), moveToUnknownCampaign(r * 1_000 + 999));
                    perReplica.add(ops);
                }
                List<CompletableFuture<Void>> senders = new ArrayList<>();
                for (int r = 0; r < 3; r++) {
                    Replica via = replicas.get(r);
                    List<String[]> ops = perReplica.get(r);
                    senders.add(CompletableFuture.runAsync(() -> {
                        for (String[] op : ops) {
                            try {
                                answers.put(op[3], via.admin(op[0], op[1], op[2], op[3]).status());
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }
                    }));
                }
                for (CompletableFuture<Void> s : senders) {
                    s.get();
                }
            });
            awaitSameOffset(r1, r2, r3);

            // The reference: the log's records in order, through the single-process apply.
            long[] now = new long[1];
            Map<String, Integer> expected = new TreeMap<>();
            try (CatalogStore reference = CatalogStore.open(dir.resolve("reference"), CatalogJson.read(CONFIG_DIR.resolve("sample-catalog.json")),
                    CatalogRules.load(CONFIG_DIR), () -> now[0], 1_000);
                 org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                         Map.of("bootstrap.servers", kafka.bootstrap(), "auto.offset.reset", "earliest"),
                         new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                         new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
                org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(topic, 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long end = r1.log().nextOffset();
                while (consumer.position(tp) < end) {
                    for (org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> rec : consumer.poll(java.time.Duration.ofMillis(200))) {
                        CatalogStore.Logged l = CatalogLog.readProposal(rec.value(), rec.offset());
                        now[0] = l.time();
                        CatalogStore.Outcome o = reference.apply(l.changes(), l.operator());
                        expected.put(MAPPER.readTree(rec.value()).path("operator").asText(), status(o));
                    }
                }
                Map<String, Object> want = contents(reference);
                want.remove("logOffset");
                for (Replica r : replicas) {
                    Map<String, Object> got = contents(r.store());
                    got.remove("logOffset");
                    assertThat(got).isEqualTo(want);
                }
            }
            assertThat(new TreeMap<>(answers)).as("every client answer is the reference's outcome for its record").isEqualTo(expected);
            assertThat(expected.values()).as("the mix holds applied, stale and invalid changes").contains(200, 409, 422);
        }
    }

    /** The HTTP status the admin API gives an outcome. */
    private static int status(CatalogStore.Outcome o) {
        return switch (o.status()) {
            case APPLIED, UNCHANGED -> 200;
            case STALE -> 409;
            case NOT_FOUND -> 404;
            case INVALID -> 422;
        };
    }

    private static final long[] GROUPS = {100, 101, 102, 200, 201, 210, 211, 300, 901, 902};
    private static final long[] CAMPAIGNS = {10, 11, 20, 21, 30};

    /** A put of ad group 100 into campaign 999, which no catalog of this test holds: refused (422) at apply. */
    private static String[] moveToUnknownCampaign(int tag) throws IOException {
        JsonNode doc = MAPPER.readTree(CONFIG_DIR.resolve("sample-catalog.json").toFile());
        for (JsonNode x : doc.path("adGroups")) {
            if (x.path("id").asLong() == 100) {
                com.fasterxml.jackson.databind.node.ObjectNode g = x.deepCopy();
                g.put("campaignId", 999).put("version", 7);
                return new String[]{"PUT", "/v1/admin/catalog/ad-groups/100", MAPPER.writeValueAsString(g), String.format("op-%05d", tag)};
            }
        }
        throw new IllegalStateException("the sample catalog has no ad group 100");
    }

    /** One random admin change: {method, target, body, operator tag}; the X-Operator header carries the tag. */
    private static String[] randomChange(io.adengine.testing.Property.Gen gen, int tag) throws IOException {
        String operator = String.format("op-%05d", tag);
        int kind = gen.ints(0, 9);
        if (kind <= 5) {
            long id = GROUPS[gen.ints(0, GROUPS.length - 1)];
            JsonNode doc = MAPPER.readTree(CONFIG_DIR.resolve("sample-catalog.json").toFile());
            com.fasterxml.jackson.databind.node.ObjectNode g = doc.path("adGroups").get(0).deepCopy();
            for (JsonNode x : doc.path("adGroups")) {
                if (x.path("id").asLong() == id) {
                    g = x.deepCopy();
                }
            }
            g.put("id", id).put("version", gen.ints(1, 6));
            g.put("campaignId", gen.oneIn(4) ? CAMPAIGNS[gen.ints(0, CAMPAIGNS.length - 1)] : g.path("campaignId").asLong(10));
            ((com.fasterxml.jackson.databind.node.ObjectNode) g.path("bid")).put("amountMicros", gen.longs(1, 1_000_000));
            return new String[]{"PUT", "/v1/admin/catalog/ad-groups/" + id, MAPPER.writeValueAsString(g), operator};
        }
        if (kind <= 7) {
            long id = GROUPS[gen.ints(0, GROUPS.length - 1)];
            return new String[]{"DELETE", "/v1/admin/catalog/ad-groups/" + id + (gen.oneIn(2) ? "" : "?version=" + gen.ints(0, 6)), null, operator};
        }
        long id = CAMPAIGNS[gen.ints(0, CAMPAIGNS.length - 1)];
        if (kind == 8) {
            return new String[]{"DELETE", "/v1/admin/catalog/campaigns/" + id, null, operator};
        }
        JsonNode doc = MAPPER.readTree(CONFIG_DIR.resolve("sample-catalog.json").toFile());
        for (JsonNode c : doc.path("campaigns")) {
            if (c.path("id").asLong() == id) {
                com.fasterxml.jackson.databind.node.ObjectNode o = c.deepCopy();
                o.put("version", gen.ints(1, 4));
                return new String[]{"PUT", "/v1/admin/catalog/campaigns/" + id, MAPPER.writeValueAsString(o), operator};
            }
        }
        throw new IllegalStateException("no campaign " + id);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(from.relativize(f).toString()));
            }
        }
    }

    private static RawHttp.Answer send(Replica r, String method, String target, String body) {
        try {
            return r.admin(method, target, body);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String uncheckedAdGroup(long id, long version, long bid) {
        try {
            return adGroup(id, version, bid);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aRestartedReplicaShouldResumeWithoutReapplyingAndAFreshOneShouldCatchUp() throws Exception {
        String topic = "catalog-restart";
        Path dir3 = dir.resolve("r3");
        try (Replica r1 = new Replica(dir.resolve("r1"), 1, topic); Replica r2 = new Replica(dir.resolve("r2"), 2, topic)) {
            try (Replica r3 = new Replica(dir3, 3, topic, 2)) {
                for (int v = 2; v <= 4; v++) {
                    assertThat(r1.admin("PUT", "/v1/admin/catalog/ad-groups/102", adGroup(102, v, 100_000 + v)).status()).isEqualTo(200);
                }
                awaitSameOffset(r1, r2, r3);
            }
            // While replica 3 is down: five more changes.
            for (int v = 5; v <= 9; v++) {
                assertThat(r2.admin("PUT", "/v1/admin/catalog/ad-groups/102", adGroup(102, v, 100_000 + v)).status()).isEqualTo(200);
            }
            assertThat(Files.readString(dir3.resolve("snapshot.json"))).as("a snapshot with its log offset was written").contains("\"logOffset\"");
            try (Replica r3 = new Replica(dir3, 3, topic, 2)) {
                assertThat(r3.log().awaitCaughtUp(DEADLINE_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
                awaitSameOffset(r1, r2, r3);
                assertThat(contents(r3.store())).isEqualTo(contents(r1.store()));
                String metrics = r3.admin("GET", "/metrics", null).body();
                assertThat(metrics).as("only the five records it missed were applied after the restart")
                        .contains("adengine_cluster_catalog_records_total{outcome=\"applied\"} 5.0");
                assertThat(metrics).doesNotContain("outcome=\"unchanged\"} ");
            }
            // A new replica started on a copy of a stopped peer's folder resumes where the copy ends.
            copy(dir3, dir.resolve("r5"));
            assertThat(r1.admin("PUT", "/v1/admin/catalog/ad-groups/102", adGroup(102, 10, 100_010)).status()).isEqualTo(200);
            try (Replica r5 = new Replica(dir.resolve("r5"), 5, topic)) {
                assertThat(r5.log().awaitCaughtUp(DEADLINE_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
                awaitSameOffset(r1, r2, r5);
                assertThat(contents(r5.store())).isEqualTo(contents(r1.store()));
                assertThat(r5.admin("GET", "/metrics", null).body()).contains("adengine_cluster_catalog_records_total{outcome=\"applied\"} 1.0");
            }
            // A fresh replica with an empty folder replays the whole log, then says it is ready.
            try (Replica r4 = new Replica(dir.resolve("r4"), 4, topic)) {
                AtomicBoolean sawNotReady = new AtomicBoolean();
                await("replica 4 ready", () -> {
                    int status = send(r4, "GET", "/health", null).status();
                    sawNotReady.compareAndSet(false, status == 503);
                    return status == 200;
                });
                System.out.println("fresh replica: /health answered 503 before it caught up: " + sawNotReady.get());
                assertThat(contents(r4.store())).isEqualTo(contents(r1.store()));
                assertThat(r4.servedVersion()).isEqualTo(r1.store().seq());
            }
        }
    }

    @Test
    void aReplicaBehindTheLogShouldSayWhyItIsNotReadyUntilItCaughtUp() throws Exception {
        String topic = "catalog-behind";
        try (Replica r1 = new Replica(dir.resolve("r1"), 1, topic)) {
            for (int v = 2; v <= 4; v++) {
                assertThat(r1.admin("PUT", "/v1/admin/catalog/ad-groups/200", adGroup(200, v, 200_000 + v)).status()).isEqualTo(200);
            }
            ClusterConfig c = ClusterConfig.replica(kafka.bootstrap(), 9, topic, topic + "-events");
            try (CatalogStore store = CatalogStore.open(dir.resolve("behind"), CatalogJson.read(CONFIG_DIR.resolve("sample-catalog.json")),
                    CatalogRules.load(CONFIG_DIR), System::currentTimeMillis, 1_000);
                 CatalogLog log = CatalogLog.open(c, store, new PrometheusRegistry(), System::currentTimeMillis)) {
                assertThat(log.endOffsetAtStart()).isEqualTo(3);
                assertThat(log.notReady()).hasValueSatisfying(reason -> assertThat(reason).contains("catching up", "0 of 3"));
                log.startApplying();
                assertThat(log.awaitCaughtUp(DEADLINE_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
                assertThat(log.notReady()).isEmpty();
                assertThat(contents(store)).isEqualTo(contents(r1.store()));
            }
        }
    }

    /**
     * Change → served on every replica: {@code cluster.changes} (default 200) ad-group changes, 20 a second, each
     * through the next replica in turn; a watcher notes when each replica's serving snapshot first includes each
     * change. Prints p50 / p99 / max per replica, from the request sent and from its answer. Not asserted.
     */
    @Test
    void changeToServedOnEveryReplicaShouldBeMeasured() throws Exception {
        int changes = Integer.getInteger("cluster.changes", 200);
        String topic = "catalog-latency";
        try (Replica r1 = new Replica(dir.resolve("r1"), 1, topic); Replica r2 = new Replica(dir.resolve("r2"), 2, topic);
             Replica r3 = new Replica(dir.resolve("r3"), 3, topic)) {
            List<Replica> replicas = List.of(r1, r2, r3);
            long[] sent = new long[changes];
            long[] acked = new long[changes];
            long[] seqs = new long[changes];
            long[][] served = new long[3][changes];
            AtomicBoolean watching = new AtomicBoolean(true);
            List<long[]> transitions = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread watcher = new Thread(() -> {
                long[] last = new long[3];
                while (watching.get()) {
                    for (int r = 0; r < 3; r++) {
                        long v = replicas.get(r).servedVersion();
                        if (v != last[r]) {
                            last[r] = v;
                            transitions.add(new long[]{r, v, System.nanoTime()});
                        }
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(250_000);
                }
            }, "served-watcher");
            watcher.start();
            long start = System.nanoTime();
            for (int i = 0; i < changes; i++) {
                long slot = start + i * 50_000_000L;
                while (System.nanoTime() < slot) {
                    Thread.sleep(1);
                }
                Replica via = replicas.get(i % 3);
                String body = adGroup(210, i + 2, 100_000 + i);
                sent[i] = System.nanoTime();
                RawHttp.Answer a = via.admin("PUT", "/v1/admin/catalog/ad-groups/210", body);
                acked[i] = System.nanoTime();
                assertThat(a.status()).as(a.body()).isEqualTo(200);
                seqs[i] = MAPPER.readTree(a.body()).path("seq").asLong();
            }
            long lastSeq = seqs[changes - 1];
            await("every replica serving the last change", () -> replicas.stream().allMatch(r -> r.servedVersion() >= lastSeq));
            Thread.sleep(5);
            watching.set(false);
            watcher.join();
            for (int i = 0; i < changes; i++) {
                for (int r = 0; r < 3; r++) {
                    served[r][i] = Long.MAX_VALUE;
                    for (long[] t : transitions) {
                        if (t[0] == r && t[1] >= seqs[i]) {
                            served[r][i] = Math.min(served[r][i], t[2]);
                        }
                    }
                    assertThat(served[r][i]).isNotEqualTo(Long.MAX_VALUE);
                }
            }
            System.out.printf("change -> served, %d ad-group changes at 20/s through 3 replicas in turn (rebuildIntervalMillis %d):%n",
                    changes, EngineConfig.SyncConfig.REBUILD_INTERVAL_MILLIS_DEFAULT);
            for (int r = 0; r < 3; r++) {
                long[] fromSent = new long[changes];
                long[] fromAck = new long[changes];
                for (int i = 0; i < changes; i++) {
                    fromSent[i] = served[r][i] - sent[i];
                    fromAck[i] = Math.max(0, served[r][i] - acked[i]);
                }
                System.out.printf("  replica %d: sent -> served p50 %.1f ms, p99 %.1f ms, max %.1f ms; acknowledged -> served p50 %.1f ms, "
                                + "p99 %.1f ms%n", r + 1, pct(fromSent, 50), pct(fromSent, 99), pct(fromSent, 100), pct(fromAck, 50), pct(fromAck, 99));
            }
            long[] ackTimes = new long[changes];
            for (int i = 0; i < changes; i++) {
                ackTimes[i] = acked[i] - sent[i];
            }
            System.out.printf("  admin answer (applied on the proposing replica): p50 %.1f ms, p99 %.1f ms%n", pct(ackTimes, 50), pct(ackTimes, 99));
        }
    }

    /** The p-th percentile (nearest rank) of nanosecond values, in milliseconds. */
    private static double pct(long[] nanos, int p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }
}
