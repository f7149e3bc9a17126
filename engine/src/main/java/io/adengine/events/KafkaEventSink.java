package io.adengine.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adengine.model.BidModel;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The optional last stage: every accepted event (not ticks, not refused trackers) goes to a Kafka
 * topic through an idempotent producer ({@code enable.idempotence=true, acks=all}). Key: the 16-byte
 * impression id (so one impression's events share a partition, in order); value: the event as UTF-8 JSON
 * in the documented, versioned schema {@value #SCHEMA_RESOURCE} (schema version {@value #SCHEMA_VERSION}),
 * readable from any language.
 * Sends are asynchronous; a failed send is counted ({@code adengine_kafka_send_failures_total} on
 * {@code GET /metrics}) and the first one logged, never retried beyond the producer's own retries (the
 * journal stays the record of truth).
 */
public final class KafkaEventSink implements EventPipeline.EventSink {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaEventSink.class);

    /** The JSON Schema of the record values, on the class path (and in the repository under src/main/resources). */
    public static final String SCHEMA_RESOURCE = "/schema/billing-event-v1.json";
    /** The {@code schemaVersion} every value carries. */
    public static final int SCHEMA_VERSION = 1;
    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final Counter failed;
    private final int replicaId;

    /** A sink to the brokers at {@code bootstrapServers}, its failures counted in {@code registry}. */
    public KafkaEventSink(String bootstrapServers, String topic, PrometheusRegistry registry) {
        this(bootstrapServers, topic, registry, 0);
    }

    /** The same on a cluster replica: every value names the replica that accepted the event. */
    public KafkaEventSink(String bootstrapServers, String topic, PrometheusRegistry registry, int replicaId) {
        this(new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.CLIENT_ID_CONFIG, "adengine-events"),
                new ByteArraySerializer(), new ByteArraySerializer()), topic, registry, replicaId);
    }

    /** Over any producer (tests hand in Kafka's {@code MockProducer}). */
    KafkaEventSink(Producer<byte[], byte[]> producer, String topic, PrometheusRegistry registry) {
        this(producer, topic, registry, 0);
    }

    KafkaEventSink(Producer<byte[], byte[]> producer, String topic, PrometheusRegistry registry, int replicaId) {
        this.producer = producer;
        this.topic = topic;
        this.replicaId = replicaId;
        this.failed = Counter.builder().name("adengine_kafka_send_failures_total")
                .help("Events the Kafka sink could not send (after the producer's own retries)").register(registry);
    }

    @Override
    public void accept(BillingEvent e, boolean endOfBatch) {
        if (e == null) {
            return;
        }
        byte[] key = ByteBuffer.allocate(16).putLong(e.impressionHi).putLong(e.impressionLo).array();
        producer.send(new ProducerRecord<>(topic, key, encode(e, replicaId)), (meta, ex) -> {
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

    /** The record value of an event: schema v1 JSON ({@value #SCHEMA_RESOURCE}). */
    static byte[] encode(BillingEvent e, int replicaId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("schemaVersion", SCHEMA_VERSION);
            g.writeStringField("type", e.type.name().toLowerCase(Locale.ROOT));
            g.writeNumberField("timeMillis", e.timeMillis);
            g.writeStringField("impressionId", String.format("%016x%016x", e.impressionHi, e.impressionLo));
            if (e.country == 0) {
                g.writeNullField("country");
            } else {
                g.writeStringField("country", BillingEvent.countryName(e.country));
            }
            g.writeNumberField("adSpaceId", e.adSpaceId);
            g.writeNumberField("publisherId", e.publisherId);
            g.writeNumberField("campaignId", e.campaignId);
            g.writeNumberField("adGroupId", e.adGroupId);
            g.writeNumberField("accountId", e.accountId);
            g.writeNumberField("creativeId", e.creativeId);
            g.writeStringField("billing", e.billing.name());
            g.writeNumberField("chargePerUnitMicros", e.chargePerUnit);
            g.writeNumberField("reservedMicros", e.reservedMicros);
            g.writeNumberField("chargedMicros", e.chargedMicros);
            g.writeNumberField("unchargedMicros", e.unchargedMicros);
            g.writeBooleanField("overBudget", e.overBudget);
            g.writeNumberField("expiresEpochSeconds", e.expiresEpochSeconds);
            g.writeNumberField("replicaId", replicaId);
            if (e.type == EventType.CONVERSION) {
                // Optional properties of schema v1, on conversions only.
                g.writeStringField("conversionEvent", e.eventName());
                g.writeNumberField("revenueMicros", e.revenueMicros);
                g.writeBooleanField("goal", e.goal);
            }
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    /**
     * Decodes a record value written by this sink into an event (tests, consumers in Java); false when it is
     * not a schema-v1 value. Properties it does not know are ignored, as the schema asks of every consumer.
     */
    public static boolean decode(byte[] value, BillingEvent into) {
        JsonNode v;
        try {
            v = MAPPER.readTree(value);
        } catch (IOException ex) {
            return false;
        }
        if (v == null || !v.isObject() || v.path("schemaVersion").asInt() != SCHEMA_VERSION) {
            return false;
        }
        try {
            into.clear();
            into.type = EventType.valueOf(v.path("type").asText().toUpperCase(Locale.ROOT));
            into.timeMillis = v.path("timeMillis").asLong();
            String id = v.path("impressionId").asText();
            into.impressionHi = Long.parseUnsignedLong(id.substring(0, 16), 16);
            into.impressionLo = Long.parseUnsignedLong(id.substring(16), 16);
            into.country = v.path("country").isTextual() ? BillingEvent.packCountry(v.path("country").asText()) : 0;
            into.adSpaceId = v.path("adSpaceId").asLong();
            into.publisherId = v.path("publisherId").asLong();
            into.campaignId = v.path("campaignId").asLong();
            into.adGroupId = v.path("adGroupId").asLong();
            into.accountId = v.path("accountId").asLong();
            into.creativeId = v.path("creativeId").asLong();
            into.billing = BidModel.valueOf(v.path("billing").asText());
            into.chargePerUnit = v.path("chargePerUnitMicros").asLong();
            into.reservedMicros = v.path("reservedMicros").asLong();
            into.chargedMicros = v.path("chargedMicros").asLong();
            into.unchargedMicros = v.path("unchargedMicros").asLong();
            into.overBudget = v.path("overBudget").asBoolean();
            into.expiresEpochSeconds = v.path("expiresEpochSeconds").asLong();
            if (into.type == EventType.CONVERSION) {
                String name = v.path("conversionEvent").asText("");
                if (!name.isEmpty() && !io.adengine.model.AdGroup.EVENT_NAME.matcher(name).matches()) {
                    return false;
                }
                into.eventName(name);
                into.revenueMicros = Math.max(0, v.path("revenueMicros").asLong());
                into.goal = v.path("goal").asBoolean(true);
            }
            return true;
        } catch (IllegalArgumentException | IndexOutOfBoundsException ex) {
            return false;
        }
    }

    /** The replica id a value names (0: a single engine), or -1 when it is not a schema-v1 value. */
    public static int replicaOf(byte[] value) {
        try {
            JsonNode v = MAPPER.readTree(value);
            return v != null && v.path("schemaVersion").asInt() == SCHEMA_VERSION ? v.path("replicaId").asInt() : -1;
        } catch (IOException ex) {
            return -1;
        }
    }

    @Override
    public void close() {
        producer.flush();
        producer.close(Duration.ofSeconds(5));
    }
}
