package io.adengine.config;

import java.util.Map;

/**
 * The {@code cluster:} section: many identical replicas sharing one catalog through a Kafka log. Absent (or
 * {@code enabled: false}): the single-process embedded engine, exactly as without the section.
 *
 * @param enabled             whether this engine is a replica of a cluster
 * @param bootstrapServers    Kafka bootstrap servers
 * @param replicaId           this replica's id, unique in the cluster (1..{@value #MAX_REPLICA_ID}); names its
 *                            consumer groups and producers and stamps its proposals and events
 * @param catalogTopic        the single-partition topic of catalog proposals (infinite retention, cleanup policy
 *                            delete): every replica applies it in order
 * @param eventsTopic         the topic billing events are written to (schema v1, README "Cluster")
 * @param groupPrefix         consumer groups are {@code <groupPrefix>catalog-<replicaId>} (and
 *                            {@code <groupPrefix>events-<replicaId>}): one group per replica, since every replica
 *                            reads every record
 * @param catchUpTimeoutMillis how long start-up waits for the brokers to tell the catalog topic's end offset (and
 *                            how long an admin change waits to be applied locally before it is answered 503)
 * @param replicationFactor   replication factor of the catalog topic when this replica creates it
 * @param replicas            the public base URL of each replica by id ({@code cluster.replicas: [{id, publicUrl}]}): a
 *                            tracker reaching a replica other than the one that served its ad is redirected there
 *                            (README "Cluster"); empty: every replica counts only its own trackers and answers others 421
 */
public record ClusterConfig(boolean enabled, String bootstrapServers, int replicaId, String catalogTopic, String eventsTopic,
                            String groupPrefix, long catchUpTimeoutMillis, int replicationFactor, Map<Integer, String> replicas) {

    public static final int MAX_REPLICA_ID = 1023;
    public static final String BOOTSTRAP_DEFAULT = "127.0.0.1:9092";
    public static final String CATALOG_TOPIC_DEFAULT = "adengine-catalog";
    public static final String EVENTS_TOPIC_DEFAULT = "adengine-events";
    public static final String GROUP_PREFIX_DEFAULT = "adengine-";
    public static final long CATCH_UP_TIMEOUT_MILLIS_DEFAULT = 60_000;
    public static final int REPLICATION_FACTOR_DEFAULT = 1;

    /** No cluster: the embedded single-process engine. */
    public static final ClusterConfig OFF = new ClusterConfig(false, BOOTSTRAP_DEFAULT, 0, CATALOG_TOPIC_DEFAULT, EVENTS_TOPIC_DEFAULT,
            GROUP_PREFIX_DEFAULT, CATCH_UP_TIMEOUT_MILLIS_DEFAULT, REPLICATION_FACTOR_DEFAULT, Map.of());

    /** Without replica URLs. */
    public ClusterConfig(boolean enabled, String bootstrapServers, int replicaId, String catalogTopic, String eventsTopic,
                         String groupPrefix, long catchUpTimeoutMillis, int replicationFactor) {
        this(enabled, bootstrapServers, replicaId, catalogTopic, eventsTopic, groupPrefix, catchUpTimeoutMillis, replicationFactor, Map.of());
    }

    public ClusterConfig {
        replicas = Map.copyOf(replicas);
        for (Map.Entry<Integer, String> r : replicas.entrySet()) {
            if (r.getKey() < 1 || r.getKey() > MAX_REPLICA_ID) {
                throw new ConfigException("cluster.replicas", "id must be 1.." + MAX_REPLICA_ID + ", was " + r.getKey());
            }
            if (!r.getValue().matches("https?://[^/?#\\s]+(/[^?#\\s]*)?")) {
                throw new ConfigException("cluster.replicas", "publicUrl of replica " + r.getKey()
                        + " must be an http(s) base URL without query, was \"" + r.getValue() + "\"");
            }
        }
        if (enabled) {
            if (replicaId < 1 || replicaId > MAX_REPLICA_ID) {
                throw new ConfigException("cluster.replicaId", "must be 1.." + MAX_REPLICA_ID + ", was " + replicaId);
            }
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new ConfigException("cluster.bootstrapServers", "is required when cluster.enabled is true");
            }
            if (catalogTopic == null || catalogTopic.isBlank()) {
                throw new ConfigException("cluster.topics.catalog", "is required when cluster.enabled is true");
            }
            if (eventsTopic == null || eventsTopic.isBlank()) {
                throw new ConfigException("cluster.topics.events", "is required when cluster.enabled is true");
            }
            if (catalogTopic.equals(eventsTopic)) {
                throw new ConfigException("cluster.topics.events", "must differ from cluster.topics.catalog");
            }
        }
    }

    /** A replica of a cluster with the defaults. */
    public static ClusterConfig replica(String bootstrapServers, int replicaId, String catalogTopic, String eventsTopic) {
        return new ClusterConfig(true, bootstrapServers, replicaId, catalogTopic, eventsTopic, GROUP_PREFIX_DEFAULT,
                CATCH_UP_TIMEOUT_MILLIS_DEFAULT, REPLICATION_FACTOR_DEFAULT);
    }

    /** A copy with the replicas' public URLs. */
    public ClusterConfig withReplicas(Map<Integer, String> urls) {
        return new ClusterConfig(enabled, bootstrapServers, replicaId, catalogTopic, eventsTopic, groupPrefix, catchUpTimeoutMillis,
                replicationFactor, urls);
    }

    /** The consumer group of this replica for one purpose ({@code catalog}, {@code events}). */
    public String groupId(String purpose) {
        return groupPrefix + purpose + "-" + replicaId;
    }
}
