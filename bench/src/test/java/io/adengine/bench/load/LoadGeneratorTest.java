package io.adengine.bench.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadGeneratorTest {

    private static final List<byte[]> BODIES = List.of("{\"adSpaceId\":1}".getBytes(StandardCharsets.UTF_8));

    @Test
    void openLoopShouldReportTheStallInP999WhenServerPausesOnceFor500Ms() throws Exception {
        try (StallingServer server = new StallingServer(1_000, 500)) {
            // 1,000 requests/s for 3 s: the stall at about t = 1 s delays every request due during it.
            LoadSettings settings = new LoadSettings(server.address(), "/v1/ads", BODIES, 4, 1, LoadMode.OPEN, 1_000,
                    TimeUnit.SECONDS.toNanos(3), 0, TimeUnit.SECONDS.toNanos(5));

            LoadResult result = LoadGenerator.run(settings, "stall");

            assertThat(server.requests()).isGreaterThanOrEqualTo(1_000);
            assertThat(result.errors()).isZero();
            assertThat(result.noFill204()).isEqualTo(result.completed());
            // The stalled request itself and those queued behind it waited about 500 ms from their due time.
            assertThat(result.percentileMillis(99.9)).isGreaterThanOrEqualTo(450);
            assertThat(result.maxMillis()).isGreaterThanOrEqualTo(480);
            // And the pause is charged to many requests, not just to the few in flight when it started.
            long delayedOver250 = result.histogram().getCountBetweenValues(TimeUnit.MILLISECONDS.toNanos(250), Long.MAX_VALUE / 2);
            assertThat(delayedOver250).isGreaterThan(100);
        }
    }

    @Test
    void closedLoopShouldSendExactlyTheCountWhenBoundedByCount(@TempDir Path dir) throws Exception {
        try (HelloWorldServer server = HelloWorldServer.start(0, 1)) {
            LoadSettings settings = new LoadSettings(new InetSocketAddress("127.0.0.1", server.port()), "/v1/ads", BODIES, 8, 2,
                    LoadMode.CLOSED, 0, TimeUnit.SECONDS.toNanos(60), 400, TimeUnit.SECONDS.toNanos(5));

            LoadResult result = LoadGenerator.run(settings, "hello");
            result.write(dir);

            assertThat(result.completed()).isEqualTo(400);
            assertThat(result.ok200()).isEqualTo(400);
            assertThat(result.fillRate()).isEqualTo(1.0);
            assertThat(result.histogram().getTotalCount()).isEqualTo(400);
            assertThat(result.admitted().getTotalCount()).as("200s are admitted answers").isEqualTo(400);
            assertThat(result.shedShare()).isZero();
            assertThat(Files.readString(dir.resolve("hello.hgrm"))).contains("Percentile").contains("#[Mean");
            assertThat(Files.readAllBytes(dir.resolve("hello.png"))).startsWith(0x89, 'P', 'N', 'G');
            assertThat(Files.readString(dir.resolve("hello.properties"))).contains("completed=400");
        }
    }

    @Test
    void settingsShouldRefuseTheHostWhenItIsNotLoopback() {
        assertThatThrownBy(() -> new LoadSettings(new InetSocketAddress("10.1.2.3", 80), "/", BODIES, 1, 1, LoadMode.CLOSED, 0,
                1_000_000_000L, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback");
    }
}
