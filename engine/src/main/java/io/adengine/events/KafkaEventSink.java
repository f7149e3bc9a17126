package io.adengine.events;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;

/**
 * The optional last stage: every accepted event (not ticks, not refused trackers) goes to a Kafka
 * topic through an idempotent producer ({@code enable.idempotence=true, acks=all}). Key: the 16-byte
 * impression id (so one impression's events share a partition, in order); value: the journal payload
 * of {@link Journal} (version 1, {@value Journal#PAYLOAD_BYTES} bytes) followed by the charged micros (8 bytes).
 * Sends are asynchronous; a failed send is counted ({@code adengine_kafka_send_failures_total} on
 * {@code GET /metrics}) and the first one logged, never retried beyond the producer's own retries (the
 * journal stays the record of truth).
 */
public final class KafkaEventSink implements EventPipeline.EventSink {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaEventSink.class);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final Counter failed;

    /** A sink to the brokers at {@code bootstrapServers}, its failures counted in {@code registry}. */
    public KafkaEventSink(String bootstrapServers, String topic, PrometheusRegistry registry) {
        this(new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.CLIENT_ID_CONFIG, "adengine-events"),
                new ByteArraySerializer(), new ByteArraySerializer()), topic, registry);
    }

    /** Over any producer (tests hand in Kafka's {@code MockProducer}). */
    KafkaEventSink(Producer<byte[], byte[]> producer, String topic, PrometheusRegistry registry) {
        this.producer = producer;
        this.topic = topic;
        this.failed = Counter.builder().name("adengine_kafka_send_failures_total")
                .help("Events the Kafka sink could not send (after the producer's own retries)").register(registry);
    }

    @Override
    public void accept(BillingEvent e, boolean endOfBatch) {
        if (e == null) {
            return;
        }
        byte[] key = ByteBuffer.allocate(16).putLong(e.impressionHi).putLong(e.impressionLo).array();
        ByteBuffer value = ByteBuffer.allocate(Journal.PAYLOAD_BYTES + 8);
        Journal.encode(e, value);
        value.putLong(e.chargedMicros);
        producer.send(new ProducerRecord<>(topic, key, value.array()), (meta, ex) -> {
            if (ex != null) {
                failed.inc();
                // Callbacks run on the producer's one I/O thread, so exactly one of them sees the first failure.
                if (failed.get() == 1) {
                    LOG.error("kafka send failed (first of possibly many): {}", ex.toString());
                }
            }
        });
    }

    /** Sends that failed. */
    public long failed() {
        return (long) failed.get();
    }

    /** Decodes a record value written by this sink into an event (tests, consumers in Java). */
    public static boolean decode(byte[] value, BillingEvent into) {
        if (value.length != Journal.PAYLOAD_BYTES + 8) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(value);
        if (!Journal.decode(b, into)) {
            return false;
        }
        into.chargedMicros = ByteBuffer.wrap(value, Journal.PAYLOAD_BYTES, 8).getLong();
        return true;
    }

    @Override
    public void close() {
        producer.flush();
        producer.close(Duration.ofSeconds(5));
    }
}
