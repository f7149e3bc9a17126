package io.adengine.events;

import io.adengine.model.BidModel;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** A send the producer reports failed is counted and exported; a delivered one is not. */
class KafkaSinkFailuresTest {

    @Test
    void failedSendsShouldBeExportedWhenTheProducerReportsThem() throws IOException {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        PrometheusRegistry registry = new PrometheusRegistry();
        KafkaEventSink sink = new KafkaEventSink(producer, "events", registry);
        BillingEvent e = new BillingEvent();
        e.type = EventType.IMPRESSION;
        e.billing = BidModel.CPM;

        for (int i = 0; i < 3; i++) {
            sink.accept(e, true);
        }
        assertThat(producer.completeNext()).isTrue();
        assertThat(producer.errorNext(new IllegalStateException("broker gone"))).isTrue();
        assertThat(producer.errorNext(new IllegalStateException("broker gone"))).isTrue();

        assertThat(sink.failed()).isEqualTo(2);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(text, registry.scrape(), io.prometheus.metrics.config.EscapingScheme.UNDERSCORE_ESCAPING);
        assertThat(text.toString(StandardCharsets.UTF_8)).contains("adengine_kafka_send_failures_total 2.0");
    }
}
