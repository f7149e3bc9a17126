package io.adengine.events;

import io.adengine.config.EventsConfig;
import io.adengine.index.SnapshotHolder;
import io.adengine.testing.EmbeddedKafka;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The Kafka sink against a real in-process KRaft broker on 127.0.0.1: what the ledger charged comes back. */
class KafkaSinkTest {

    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    @Test
    void sinkShouldDeliverEveryAcceptedEventWithItsChargeToTheTopic() throws Exception {
        try (EmbeddedKafka broker = EmbeddedKafka.start(dir.resolve("kafka"))) {
            String bootstrap = broker.bootstrap();
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
        }
    }
}
