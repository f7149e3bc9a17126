package io.adengine.server;

import io.netty.channel.embedded.EmbeddedChannel;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Accept failures on a listening channel (EMFILE when the process is out of file descriptors) end at
 * {@link AcceptFailures}: counted, logged through a {@link RateLimitedLog}, never left to reach the pipeline
 * tail (where Netty logs a WARN per attempt, and an {@link EmbeddedChannel} rethrows).
 */
class AcceptFailuresTest {

    @Test
    void aStormOfAcceptFailuresShouldBeCountedAndStopAtTheHandler() {
        EdgeMetrics.Port port = new EdgeMetrics(new PrometheusRegistry()).port("public", () -> 0);
        EmbeddedChannel listening = new EmbeddedChannel(new AcceptFailures(port, 10_000));
        for (int i = 0; i < 1_000; i++) {
            listening.pipeline().fireExceptionCaught(new IOException("accept(..) failed: Too many open files"));
        }

        listening.checkException();
        assertThat(listening.isOpen()).as("the port keeps listening").isTrue();
        assertThat(port.acceptFailures()).isEqualTo(1_000);
        listening.finishAndReleaseAll();
    }
}
