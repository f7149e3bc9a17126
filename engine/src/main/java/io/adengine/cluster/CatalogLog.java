package io.adengine.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adengine.catalog.CatalogFormatException;
import io.adengine.catalog.CatalogStore;
import io.adengine.catalog.CatalogWriter;
import io.adengine.catalog.ObjectKind;
import io.adengine.config.ClusterConfig;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The catalog on a log: on a cluster replica, every accepted admin change is appended as a proposal to one
 * single-partition Kafka topic ({@code acks=all}, idempotent producer), and every replica, the proposer
 * included, applies that topic in order into its own {@link CatalogStore} ({@link CatalogStore#applyLogged}:
 * the same versions, validation, cascades and operation log as a single engine). So a conflict between two
 * replicas' changes is decided by their order in the log, identically everywhere. A proposal is answered
 * once this replica applied it, with the outcome of that apply (a 409 when a concurrent change won).
 *
 * <p>The store records the last applied offset durably (in its change log and snapshot); a restart seeks
 * there and goes on. The replica is ready ({@link #notReady()} empty) once it applied the log up to the end
 * offset the brokers reported at start.
 *
 * <p>Threads: one applier thread owns the consumer; proposals are sent from the admin workers.
 */
public final class CatalogLog implements CatalogWriter, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogLog.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Version of the proposal record format (field {@code format}). */
    public static final int FORMAT = 1;

    private final ClusterConfig config;
    private final CatalogStore store;
    private final LongSupplier clock;
    private final TopicPartition partition;
    private final Producer<byte[], byte[]> producer;
    private final Consumer<byte[], byte[]> consumer;
    private final long endAtStart;
    /** Random per process: a restarted replica never takes an earlier life's proposals for its own. */
    private final String nonce = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    private final AtomicLong proposals = new AtomicLong();
    private final Map<String, CompletableFuture<CatalogStore.Outcome>> waiting = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUpLatch = new CountDownLatch(1);
    private final Counter applied;
    private final Thread applier;
    private volatile long nextOffset;
    private volatile long endOffset;
    private volatile boolean caughtUp;
    private volatile String failure;
    private volatile boolean running = true;

    private CatalogLog(ClusterConfig config, CatalogStore store, LongSupplier clock, Producer<byte[], byte[]> producer,
                       Consumer<byte[], byte[]> consumer, long endAtStart, PrometheusRegistry registry) {
        this.config = config;
        this.store = store;
        this.clock = clock;
        this.partition = new TopicPartition(config.catalogTopic(), 0);
        this.producer = producer;
        this.consumer = consumer;
        this.endAtStart = endAtStart;
        this.nextOffset = store.logOffset() + 1;
        this.endOffset = endAtStart;
        this.caughtUp = nextOffset >= endAtStart;
        if (caughtUp) {
            caughtUpLatch.countDown();
        }
        applied = Counter.builder().name("adengine_cluster_catalog_records_total")
                .help("Catalog log records this replica applied, by outcome (applied, unchanged, refused)")
                .labelNames("outcome").register(registry);
        GaugeWithCallback.builder().name("adengine_cluster_catalog_applied_offset")
                .help("Last offset of the catalog log this replica applied (-1: none)")
                .callback(cb -> cb.call(nextOffset - 1)).register(registry);
        GaugeWithCallback.builder().name("adengine_cluster_catalog_end_offset")
                .help("End offset of the catalog log as last seen by this replica")
                .callback(cb -> cb.call(Math.max(endOffset, nextOffset))).register(registry);
        GaugeWithCallback.builder().name("adengine_cluster_catalog_lag_records")
                .help("Catalog log records written but not yet applied by this replica (consumer lag)")
                .callback(cb -> cb.call(Math.max(0, endOffset - nextOffset))).register(registry);
        GaugeWithCallback.builder().name("adengine_cluster_caught_up")
                .help("1 once this replica applied the catalog log up to its end offset seen at start")
                .callback(cb -> cb.call(caughtUp ? 1 : 0)).register(registry);
        applier = new Thread(this::applyLoop, "catalog-log-" + config.replicaId());
        applier.setDaemon(true);
    }

    /**
     * Connects to the brokers, creates the catalog topic when it does not exist (one partition, infinite
     * retention) or checks it when it does, and seeks to the store's last applied offset; applying starts
     * with {@link #startApplying} (once whatever listens to the store's commits is in place).
     * Fails when the brokers do not answer within {@code catchUpTimeoutMillis}, or the topic cannot hold the
     * catalog (more than one partition, finite retention, compaction), or the store includes offsets the
     * topic no longer has.
     */
    public static CatalogLog open(ClusterConfig config, CatalogStore store, PrometheusRegistry registry, LongSupplier clock) {
        Duration timeout = Duration.ofMillis(config.catchUpTimeoutMillis());
        ensureTopic(config, timeout);
        Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, config.groupId("catalog"),
                ConsumerConfig.CLIENT_ID_CONFIG, "adengine-catalog-" + config.replicaId(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none",
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Producer<byte[], byte[]> producer = null;
        try {
            TopicPartition tp = new TopicPartition(config.catalogTopic(), 0);
            consumer.assign(List.of(tp));
            long begin = consumer.beginningOffsets(List.of(tp), timeout).get(tp);
            long end = consumer.endOffsets(List.of(tp), timeout).get(tp);
            long next = store.logOffset() + 1;
            if (next > end) {
                throw new IllegalStateException("catalog.dataDir includes catalog log offsets up to " + (next - 1) + " but topic "
                        + config.catalogTopic() + " ends at " + end + ": the store belongs to another log; start from an empty "
                        + "catalog.dataDir or a copy of a peer's");
            }
            if (next < begin) {
                throw new IllegalStateException("topic " + config.catalogTopic() + " starts at offset " + begin + " but this store "
                        + "needs the records from " + next + ": they were deleted (the topic must keep every record: retention.ms=-1); "
                        + "start from a copy of a peer's catalog.dataDir");
            }
            consumer.seek(tp, next);
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                    ProducerConfig.CLIENT_ID_CONFIG, "adengine-catalog-proposer-" + config.replicaId(),
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.LINGER_MS_CONFIG, 0),
                    new ByteArraySerializer(), new ByteArraySerializer());
            CatalogLog log = new CatalogLog(config, store, clock, producer, consumer, end, registry);
            LOG.info("cluster replica {}: catalog log {} holds offsets [{}, {}); this store resumes at {}", config.replicaId(),
                    config.catalogTopic(), begin, end, next);
            return log;
        } catch (RuntimeException e) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            if (producer != null) {
                producer.close(Duration.ZERO);
            }
            throw e;
        }
    }

    private static void ensureTopic(ClusterConfig config, Duration timeout) {
        String topic = config.catalogTopic();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "adengine-admin-" + config.replicaId(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis())))) {
            TopicDescription description;
            try {
                description = admin.describeTopics(List.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                try {
                    admin.createTopics(List.of(new NewTopic(topic, 1, (short) config.replicationFactor()).configs(Map.of(
                            "retention.ms", "-1", "retention.bytes", "-1", "cleanup.policy", "delete"))))
                            .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    LOG.info("created the catalog log topic {} (one partition, replication factor {}, infinite retention)", topic,
                            config.replicationFactor());
                } catch (ExecutionException created) {
                    if (!(created.getCause() instanceof TopicExistsException)) {
                        throw created;
                    }
                }
                // A topic just created may not be known to the broker that answers yet: ask again until it is.
                description = whileUnknown(timeout, () -> admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic));
            }
            createIfMissing(admin, config.eventsTopic(), timeout);
            if (description.partitions().size() != 1) {
                throw new IllegalStateException("cluster.topics.catalog: topic " + topic + " has " + description.partitions().size()
                        + " partitions; the catalog log needs exactly one (its order decides every conflict)");
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config topicConfig = whileUnknown(timeout, () -> admin.describeConfigs(List.of(resource)).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(resource));
            String retention = topicConfig.get("retention.ms").value();
            String cleanup = topicConfig.get("cleanup.policy").value();
            if (!"-1".equals(retention) || !"delete".equals(cleanup)) {
                throw new IllegalStateException("cluster.topics.catalog: topic " + topic + " has retention.ms=" + retention
                        + " and cleanup.policy=" + cleanup + "; the catalog log must keep every record (retention.ms=-1, "
                        + "cleanup.policy=delete) so that a new replica can replay it");
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot prepare the catalog log topic " + topic + " at " + config.bootstrapServers() + ": "
                    + e.getCause(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the Kafka brokers at " + config.bootstrapServers() + " did not answer within "
                    + timeout.toMillis() + " ms (cluster.catchUpTimeoutMillis)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing the catalog log topic", e);
        }
    }

    /** An admin call that the brokers may answer "unknown topic" for a moment after the topic's creation. */
    private interface AdminCall<T> {
        T call() throws InterruptedException, TimeoutException, ExecutionException;
    }

    private static <T> T whileUnknown(Duration timeout, AdminCall<T> call) throws InterruptedException, TimeoutException, ExecutionException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return call.call();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }

    /** The events topic with the brokers' defaults (partitions, retention), when it does not exist yet. */
    private static void createIfMissing(Admin admin, String topic, Duration timeout)
            throws InterruptedException, TimeoutException, ExecutionException {
        if (admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS).contains(topic)) {
            return;
        }
        try {
            admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())))
                    .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /**
     * Appends the change to the catalog log; completes once this replica applied it, with the outcome of
     * that apply. Fails with a {@link TimeoutException} when that takes over {@code catchUpTimeoutMillis}
     * (the change may still apply later: a retry with the same version is safe), or with the producer's
     * exception when the log could not be written.
     */
    @Override
    public CompletableFuture<CatalogStore.Outcome> apply(List<CatalogStore.Change> changes, String operator) {
        String id = config.replicaId() + "-" + nonce + "-" + proposals.incrementAndGet();
        CompletableFuture<CatalogStore.Outcome> answer = new CompletableFuture<>();
        if (failure != null) {
            answer.completeExceptionally(new IllegalStateException(failure));
            return answer;
        }
        waiting.put(id, answer);
        byte[] value;
        try {
            value = MAPPER.writeValueAsBytes(encode(id, changes, operator, clock.getAsLong()));
        } catch (IOException e) {
            waiting.remove(id);
            answer.completeExceptionally(e);
            return answer;
        }
        try {
            producer.send(new ProducerRecord<>(config.catalogTopic(), 0, null, value), (meta, e) -> {
                if (e != null) {
                    waiting.remove(id);
                    answer.completeExceptionally(e);
                }
            });
        } catch (KafkaException e) {
            waiting.remove(id);
            answer.completeExceptionally(e);
        }
        return answer.orTimeout(config.catchUpTimeoutMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((o, e) -> waiting.remove(id));
    }

    private ObjectNode encode(String id, List<CatalogStore.Change> changes, String operator, long time) {
        ObjectNode r = MAPPER.createObjectNode().put("format", FORMAT).put("proposal", id).put("replica", config.replicaId())
                .put("time", time).put("operator", operator);
        ArrayNode list = r.putArray("changes");
        for (CatalogStore.Change c : changes) {
            ObjectNode o = list.addObject().put("op", c.op().name()).put("kind", c.kind().pathName());
            if (c.op() == CatalogStore.Op.PUT) {
                o.set("object", ObjectKind.toJson(c.value()));
            } else {
                o.put("id", c.id()).put("version", c.version());
            }
        }
        return r;
    }

    /** A record read from the log: the proposal, and its id (empty when unreadable). */
    private record Read(CatalogStore.Logged logged, String proposal) {
    }

    /**
     * A catalog log record's value as the proposal every replica applies (an unreadable one is an empty
     * proposal): for tools and tests that read the topic themselves.
     */
    public static CatalogStore.Logged readProposal(byte[] value, long offset) {
        return decode(new ConsumerRecord<>("", 0, offset, null, value)).logged();
    }

    /** A record of the log as a proposal; one that cannot be read is an empty one (a no-op on every replica alike). */
    private static Read decode(ConsumerRecord<byte[], byte[]> r) {
        try {
            JsonNode root = r.value() == null ? null : MAPPER.readTree(r.value());
            if (root == null || root.path("format").asInt() != FORMAT) {
                throw new IOException("format " + (root == null ? "none" : root.path("format").asText()) + " is not " + FORMAT);
            }
            List<CatalogStore.Change> changes = new ArrayList<>();
            for (JsonNode c : root.path("changes")) {
                ObjectKind kind = ObjectKind.ofPath(c.path("kind").asText());
                if (kind == null) {
                    throw new IOException("unknown kind " + c.path("kind").asText());
                }
                changes.add(CatalogStore.Op.valueOf(c.path("op").asText()) == CatalogStore.Op.PUT
                        ? CatalogStore.Change.put(kind.parse(c.path("object"), ""))
                        : CatalogStore.Change.delete(kind, c.path("id").asLong(), c.path("version").asLong()));
            }
            return new Read(new CatalogStore.Logged(changes, root.path("operator").asText("cluster"), root.path("time").asLong(), r.offset()),
                    root.path("proposal").asText(""));
        } catch (IOException | CatalogFormatException | IllegalArgumentException e) {
            LOG.warn("catalog log offset {}: unreadable record ({}); skipped, as on every replica", r.offset(), e.getClass().getSimpleName());
            return new Read(new CatalogStore.Logged(List.of(), "cluster", 0, r.offset()), "");
        }
    }

    private void applyLoop() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                if (!records.isEmpty()) {
                    List<CatalogStore.Logged> batch = new ArrayList<>(records.count());
                    List<String> ids = new ArrayList<>(records.count());
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        Read read = decode(r);
                        batch.add(read.logged());
                        ids.add(read.proposal());
                    }
                    List<CatalogStore.Outcome> outcomes = store.applyLogged(batch);
                    nextOffset = batch.get(batch.size() - 1).offset() + 1;
                    for (int i = 0; i < outcomes.size(); i++) {
                        CatalogStore.Outcome o = outcomes.get(i);
                        applied.labelValues(o.status() == CatalogStore.Status.APPLIED ? "applied"
                                : o.status() == CatalogStore.Status.UNCHANGED ? "unchanged" : "refused").inc();
                        CompletableFuture<CatalogStore.Outcome> waiter = waiting.get(ids.get(i));
                        if (waiter != null) {
                            waiter.complete(o);
                        }
                    }
                    // For operators' lag tools only: the store's own offset is what a restart resumes from.
                    consumer.commitAsync(Map.of(partition, new OffsetAndMetadata(nextOffset)), (offsets, e) -> {
                        if (e != null) {
                            LOG.debug("catalog log: committing the group offset failed ({}); the next batch commits again", e.toString());
                        }
                    });
                }
                nextOffset = consumer.position(partition);
                java.util.OptionalLong lag = consumer.currentLag(partition);
                if (lag.isPresent()) {
                    endOffset = nextOffset + lag.getAsLong();
                }
                if (!caughtUp && nextOffset >= endAtStart) {
                    caughtUp = true;
                    caughtUpLatch.countDown();
                    LOG.info("cluster replica {}: caught up with the catalog log at offset {}", config.replicaId(), nextOffset);
                }
            }
        } catch (WakeupException e) {
            // close()
        } catch (IOException | RuntimeException e) {
            failure = "applying the catalog log failed at offset " + nextOffset + ": " + e.getClass().getSimpleName();
            LOG.error("cluster replica {}: {}; this replica no longer follows the catalog", config.replicaId(), failure, e);
            waiting.values().forEach(w -> w.completeExceptionally(new IllegalStateException(failure)));
        }
    }

    /** Starts the applier thread: from now on every record of the log is applied to the store, in order. */
    public void startApplying() {
        applier.start();
    }

    /** Why this replica is not ready, or empty once it applied the log up to the end offset seen at start. */
    public Optional<String> notReady() {
        String f = failure;
        if (f != null) {
            return Optional.of(f);
        }
        if (!caughtUp) {
            return Optional.of("catching up with the catalog log: at offset " + nextOffset + " of " + endAtStart);
        }
        return Optional.empty();
    }

    /** Waits until this replica caught up (or the time passes); whether it did. */
    public boolean awaitCaughtUp(long timeout, TimeUnit unit) throws InterruptedException {
        return caughtUpLatch.await(timeout, unit) && failure == null;
    }

    /** The next offset this replica will apply. */
    public long nextOffset() {
        return nextOffset;
    }

    /** The end offset of the log the brokers reported at start. */
    public long endOffsetAtStart() {
        return endAtStart;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            if (applier.isAlive()) {
                applier.join(10_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        waiting.values().forEach(w -> w.completeExceptionally(new IllegalStateException("the replica is stopping")));
        producer.close(Duration.ofSeconds(5));
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
