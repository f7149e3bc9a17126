package io.adengine.events;

import io.adengine.config.EventsConfig;
import io.adengine.index.SnapshotHolder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The Kafka sink against a real in-process KRaft broker on 127.0.0.1: what the ledger charged comes back. */
class KafkaSinkTest {

    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static KafkaRaftServer startBroker(Path logDir) throws Exception {
        int brokerPort = freePort();
        int controllerPort = freePort();
        new Formatter().setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(1).setClusterId(Uuid.randomUuid().toString()).setControllerListenerName("CONTROLLER")
                .setMetadataLogDirectory(logDir.toString()).setDirectories(Set.of(logDir.toString()))
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION).run();
        Map<String, Object> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("num.partitions", "1");
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        server.startup();
        System.setProperty("adengine.test.kafka", "127.0.0.1:" + brokerPort);
        return server;
    }

    @Test
    void sinkShouldDeliverEveryAcceptedEventWithItsChargeToTheTopic() throws Exception {
        KafkaRaftServer broker = startBroker(dir.resolve("kafka"));
        String bootstrap = System.getProperty("adengine.test.kafka");
        try {
            SnapshotHolder holder = BillingFixture.holder(BillingFixture.catalog("CPC", 300_000, 0, 0, 1_000_000_000, 0));
            List<String> clicked = new ArrayList<>();
            try (EventPipeline p = EventPipeline.startManualTicks(EventsConfig.inDirectory(dir.resolve("journal")), holder,
                    new AtomicLong(NOW)::get, new PrometheusRegistry(), new KafkaEventSink(bootstrap, "events", new PrometheusRegistry()))) {
                for (int i = 0; i < 20; i++) {
                    TrackerSigner.Claims c = BillingFixture.claims("CPC", 100_000 + i, NOW / 1000 + 3600);
                    BillingFixture.click(p, c, NOW + 1_000);
                    clicked.add(c.impressionId());
                    BillingFixture.publish(p, EventType.CLICK, c, NOW + 2_000);
                }
            }
            Map<String, Long> received = new HashMap<>();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                // Assigned, not subscribed: no consumer-group round trips.
                consumer.assign(List.of(new org.apache.kafka.common.TopicPartition("events", 0)));
                BillingEvent e = new BillingEvent();
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (received.size() < 20 && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        assertThat(KafkaEventSink.decode(r.value(), e)).isTrue();
                        if (e.type() != EventType.CLICK) {
                            continue;
                        }
                        assertThat(received.put(String.format("%016x%016x", e.impressionHi(), e.impressionLo()), e.chargedMicros()))
                                .as("each accepted click once").isNull();
                    }
                }
            }
            assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(clicked);
            for (int i = 0; i < 20; i++) {
                assertThat(received.get(clicked.get(i))).isEqualTo(100_000L + i);
            }
        } finally {
            broker.shutdown();
            broker.awaitShutdown();
        }
    }
}
