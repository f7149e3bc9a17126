package io.adengine.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.adengine.config.EventsConfig;
import io.adengine.index.SnapshotHolder;
import io.adengine.model.BidModel;
import io.adengine.testing.Property;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kafka sink's record values against their published JSON Schema ({@code schema/billing-event-v1.json}),
 * checked by a third-party validator (networknt json-schema-validator, draft 2020-12): every record the sink
 * writes validates and decodes back to the event it was made from; values that break the schema are refused
 * by it (so the schema does constrain).
 */
class EventSchemaTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    static JsonSchema schema() throws Exception {
        try (InputStream in = KafkaEventSink.class.getResourceAsStream(KafkaEventSink.SCHEMA_RESOURCE)) {
            assertThat(in).as("the schema is on the class path").isNotNull();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
    }

    private static List<ProducerRecord<byte[], byte[]>> sent(MockProducer<byte[], byte[]> producer) {
        return producer.history();
    }

    @Test
    void everyEventTheSinkWritesShouldValidateAndRoundTrip() throws Exception {
        JsonSchema schema = schema();
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        Property.forAll(500, gen -> {
            producer.clear();
            int replica = gen.ints(0, 1023);
            KafkaEventSink sink = new KafkaEventSink(producer, "events", new PrometheusRegistry(), replica);
            List<EventType> types = Arrays.stream(EventType.values()).filter(t -> t != EventType.TICK && t != EventType.CHECKPOINT).toList();
            BillingEvent e = new BillingEvent();
            e.type = types.get(gen.ints(0, types.size() - 1));
            e.timeMillis = gen.longs(0, Long.MAX_VALUE);
            e.impressionHi = gen.anyLong();
            e.impressionLo = gen.anyLong();
            e.country = gen.oneIn(5) ? 0 : BillingEvent.packCountry("" + (char) ('A' + gen.ints(0, 25)) + (char) ('A' + gen.ints(0, 25)));
            e.adSpaceId = gen.longs(0, Long.MAX_VALUE);
            e.publisherId = gen.longs(0, Long.MAX_VALUE);
            e.campaignId = gen.longs(0, Long.MAX_VALUE);
            e.adGroupId = gen.longs(0, Long.MAX_VALUE);
            e.accountId = gen.longs(0, Long.MAX_VALUE);
            e.creativeId = gen.longs(0, Long.MAX_VALUE);
            e.billing = BidModel.values()[gen.ints(0, BidModel.values().length - 1)];
            e.chargePerUnit = gen.longs(0, Long.MAX_VALUE);
            e.reservedMicros = gen.longs(0, Long.MAX_VALUE);
            e.chargedMicros = gen.longs(0, Long.MAX_VALUE);
            e.unchargedMicros = gen.longs(0, Long.MAX_VALUE);
            e.overBudget = gen.oneIn(2);
            e.expiresEpochSeconds = gen.longs(0, Long.MAX_VALUE);
            if (e.type == EventType.CONVERSION) {
                String chars = "abcXYZ09_.-";
                StringBuilder name = new StringBuilder();
                for (int i = gen.ints(0, BillingEvent.EVENT_NAME_MAX); i > 0; i--) {
                    name.append(chars.charAt(gen.ints(0, chars.length() - 1)));
                }
                e.eventName(name.toString());
                e.revenueMicros = gen.longs(0, Long.MAX_VALUE);
                e.goal = gen.oneIn(2);
            }
            sink.accept(e, true);

            ProducerRecord<byte[], byte[]> r = sent(producer).get(0);
            JsonNode value = MAPPER.readTree(r.value());
            Set<ValidationMessage> problems = schema.validate(value);
            assertThat(problems).as(value.toString()).isEmpty();
            assertThat(r.key()).isEqualTo(ByteBuffer.allocate(16).putLong(e.impressionHi).putLong(e.impressionLo).array());
            BillingEvent back = new BillingEvent();
            assertThat(KafkaEventSink.decode(r.value(), back)).isTrue();
            assertThat(back).usingRecursiveComparison().comparingOnlyFields("type", "timeMillis", "impressionHi", "impressionLo", "country",
                    "adSpaceId", "publisherId", "campaignId", "adGroupId", "accountId", "creativeId", "billing", "chargePerUnit",
                    "reservedMicros", "chargedMicros", "unchargedMicros", "overBudget", "expiresEpochSeconds").isEqualTo(e);
            assertThat(KafkaEventSink.replicaOf(r.value())).isEqualTo(replica);
            assertThat(back.eventName()).isEqualTo(e.eventName());
            assertThat(back.revenueMicros()).isEqualTo(e.revenueMicros());
            assertThat(back.goal()).isEqualTo(e.goal());
            assertThat(value.has("conversionEvent")).isEqualTo(e.type == EventType.CONVERSION);
        });
    }

    @Test
    void theRecordsOfARealPipelineShouldValidate() throws Exception {
        JsonSchema schema = schema();
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        SnapshotHolder holder = BillingFixture.holder(BillingFixture.catalog("CPC", 300_000, 0, 0, 1_000_000_000, 0));
        try (EventPipeline p = EventPipeline.startManualTicks(EventsConfig.inDirectory(dir.resolve("journal")), holder,
                new AtomicLong(NOW)::get, new PrometheusRegistry(), new KafkaEventSink(producer, "events", new PrometheusRegistry(), 3))) {
            for (int i = 0; i < 10; i++) {
                TrackerSigner.Claims c = BillingFixture.claims("CPC", 100_000 + i, NOW / 1000 + 3600);
                BillingFixture.publish(p, EventType.IMPRESSION, c, NOW);
                // A click counts only after its impression and the least click delay (event validity).
                BillingFixture.publish(p, EventType.CLICK, c, NOW + 2_000);
                BillingFixture.publish(p, EventType.CLICK, c, NOW + 2_000);
            }
        }
        List<ProducerRecord<byte[], byte[]>> records = sent(producer);
        assertThat(records).as("each accepted event once; duplicates are not sent").hasSize(20);
        long charged = 0;
        for (ProducerRecord<byte[], byte[]> r : records) {
            JsonNode value = MAPPER.readTree(r.value());
            assertThat(schema.validate(value)).as(value.toString()).isEmpty();
            assertThat(value.path("replicaId").asInt()).isEqualTo(3);
            charged += value.path("chargedMicros").asLong();
        }
        assertThat(charged).as("the ten clicks' charges").isEqualTo(10 * 100_000L + 45);
    }

    @Test
    void theSchemaShouldRefuseValuesThatBreakIt() throws Exception {
        JsonSchema schema = schema();
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        BillingEvent e = new BillingEvent();
        e.type = EventType.CLICK;
        e.billing = BidModel.CPC;
        e.country = BillingEvent.packCountry("IN");
        new KafkaEventSink(producer, "events", new PrometheusRegistry()).accept(e, true);
        ObjectNode good = (ObjectNode) MAPPER.readTree(sent(producer).get(0).value());
        assertThat(schema.validate(good)).isEmpty();
        assertThat(schema.validate(good.deepCopy().put("type", "tick"))).isNotEmpty();
        assertThat(schema.validate(good.deepCopy().put("schemaVersion", 2))).isNotEmpty();
        assertThat(schema.validate(good.deepCopy().put("impressionId", "XYZ"))).isNotEmpty();
        assertThat(schema.validate(good.deepCopy().put("country", "india"))).isNotEmpty();
        assertThat(schema.validate(good.deepCopy().put("chargedMicros", -1))).isNotEmpty();
        assertThat(schema.validate(good.deepCopy().put("billing", "CPV"))).isNotEmpty();
        ObjectNode missing = good.deepCopy();
        missing.remove("adGroupId");
        assertThat(schema.validate(missing)).isNotEmpty();
        // New optional properties are allowed within version 1.
        assertThat(schema.validate(good.deepCopy().put("someFutureField", 1))).isEmpty();
    }
}
