package io.adengine.server;

import io.adengine.catalog.CatalogJson;
import io.adengine.config.EdgeConfig;
import io.adengine.config.EngineConfig;
import io.adengine.events.ServedAds;
import io.adengine.events.TrackerMint;
import io.adengine.events.TrackerSigner;
import io.adengine.index.SnapshotBuilder;
import io.adengine.index.SnapshotHolder;
import io.adengine.match.BudgetGate;
import io.adengine.match.UserTargeting;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The public handler's admission control, per-user rate limit, explain flag and client-reset handling on an
 * {@link EmbeddedChannel} whose time stands still until the test moves it: a loop whose probe is overdue by
 * more than the budget sheds ad requests with 503 + {@code Retry-After} (and still answers {@code /health}),
 * and admits again once a probe has run on time; a user over the rate limit gets 204 (or 429), other users
 * and later requests do not.
 */
class AdAdmissionTest {

    private static final Path CONFIG_DIR = Path.of("..", "config");
    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final String GAID = "38400000-8cf0-11bd-b23e-10b96e40000d";

    private EmbeddedChannel channel;
    private ServingMetrics metrics;
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private void givenAHandler(AdAdmission admission, UserRequestRate rate, EdgeConfig.WhenExceeded whenExceeded) throws Exception {
        EngineConfig config = EngineConfig.defaults(CONFIG_DIR.resolve("sample-catalog.json"));
        SnapshotHolder holder = new SnapshotHolder(new SnapshotBuilder(config.auction())
                .build(CatalogJson.read(CONFIG_DIR.resolve("sample-catalog.json"))));
        metrics = new ServingMetrics(holder);
        ServingContext context = new ServingContext(holder, metrics,
                new TrackerMint(new TrackerSigner(config.trackers().hmacKey()), config.trackers().ttlSeconds()),
                new AdResponseWriter(config.trackers().baseUrl()), ServedAds.NONE, () -> NOW, () -> 42L, config.maxBodyBytes(),
                config.adminToken(), BudgetGate.UNLIMITED, UserTargeting.UNKNOWN_USERS, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
        channel = new EmbeddedChannel(new PublicApiHandler(context, admission, rate, whenExceeded, 10_000));
        channel.freezeTime();
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private FullHttpResponse request(HttpMethod method, String path, String body) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path, content);
        request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        channel.writeInbound(request);
        channel.flushOutbound();
        return channel.readOutbound();
    }

    private int post(String body) {
        FullHttpResponse r = request(HttpMethod.POST, "/v1/ads", body);
        try {
            return r.status().code();
        } finally {
            r.release();
        }
    }

    private static String sample() throws Exception {
        return Files.readString(CONFIG_DIR.resolve("sample-request.json"));
    }

    private double outcome(String label) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.writeText(out);
        return ConnectionLimitsHttpTest.counter(out.toString(StandardCharsets.UTF_8), "adengine_ad_requests_total", "outcome=\"" + label + "\"");
    }

    /** The loop runs {@code cycles} cycles of {@code millis} each: its probe runs once per cycle, that late. */
    private void slowCycles(int cycles, long millis) {
        for (int i = 0; i < cycles; i++) {
            channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
        }
    }

    @Test
    void adRequestsShouldBeShedWhileTheLoopIsLateAndAdmittedOnceItCatchesUp() throws Exception {
        givenAHandler(new AdAdmission(new EdgeConfig.Admission(5, 2)), UserRequestRate.OFF, EdgeConfig.WhenExceeded.NO_FILL);
        assertThat(post(sample())).isEqualTo(200);

        // One long cycle (a thread descheduled, a pause): one probe ran late, its neighbours did not. Not a queue.
        slowCycles(1, 10);
        slowCycles(1, 1);
        assertThat(post(sample())).as("one late probe is no standing delay").isEqualTo(200);

        // Every cycle takes 10 ms: a standing queue; a request read now has waited about that long.
        slowCycles(AdAdmission.WINDOW, 10);
        FullHttpResponse shed = request(HttpMethod.POST, "/v1/ads", sample());
        try {
            assertThat(shed.status().code()).isEqualTo(503);
            assertThat(shed.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("2");
            assertThat(shed.content().toString(StandardCharsets.UTF_8)).contains("\"code\":\"overloaded\"");
        } finally {
            shed.release();
        }
        FullHttpResponse health = request(HttpMethod.GET, "/health", "");
        assertThat(health.status().code()).as("health is never shed").isEqualTo(200);
        health.release();
        assertThat(post(sample())).isEqualTo(503);

        // One cycle on time breaks the standing delay.
        slowCycles(1, 1);
        assertThat(post(sample())).as("caught up").isEqualTo(200);
        assertThat(outcome("shed")).isEqualTo(2);
    }

    @Test
    void admittingShouldAllocateNothingPerRequest() throws Exception {
        AdAdmission admission = new AdAdmission(new EdgeConfig.Admission(5, 1));
        givenAHandler(admission, UserRequestRate.OFF, EdgeConfig.WhenExceeded.NO_FILL);
        io.netty.channel.ChannelHandlerContext ctx = channel.pipeline().firstContext();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        int admitted = 0;
        for (int i = 0; i < 200_000; i++) {
            admitted += admission.admit(ctx) ? 1 : 0;
        }
        // Zero per call: the bound leaves room for the measurement's own constant few hundred bytes, not for 200,000 objects.
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 200_000; i++) {
            admitted += admission.admit(ctx) ? 1 : 0;
        }
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).as("bytes allocated by 200,000 admissions (%d admitted)", admitted)
                .isLessThan(4_096);
    }

    @Test
    void aLateLoopShouldNotShedWhenAdmissionIsOff() throws Exception {
        givenAHandler(AdAdmission.OFF, UserRequestRate.OFF, EdgeConfig.WhenExceeded.NO_FILL);
        assertThat(post(sample())).isEqualTo(200);
        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        assertThat(post(sample())).isEqualTo(200);
    }

    @Test
    void aUserOverTheRateLimitShouldGetNoFillAndOtherUsersShouldNot() throws Exception {
        UserRequestRate rate = new UserRequestRate(new EdgeConfig.UserRateLimit(1, 2, 1, 1, 1024, EdgeConfig.WhenExceeded.NO_FILL), nanos::get);
        givenAHandler(AdAdmission.OFF, rate, EdgeConfig.WhenExceeded.NO_FILL);

        assertThat(post(sample())).isEqualTo(200);
        assertThat(post(sample())).isEqualTo(200);
        assertThat(post(sample())).as("third request within the burst of 2").isEqualTo(204);
        assertThat(post(sample().replace(GAID, GAID.toUpperCase()))).as("the same GAID in capitals").isEqualTo(204);
        assertThat(post(sample().replace(GAID, "11111111-2222-3333-4444-555555555555"))).as("another user").isEqualTo(200);

        nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
        assertThat(post(sample())).as("a second later one more is allowed").isEqualTo(200);
        assertThat(outcome("rate_limited")).isEqualTo(2);
    }

    @Test
    void requestsWithoutAUsableGaidShouldShareTheAnonymousBucket() throws Exception {
        UserRequestRate rate = new UserRequestRate(new EdgeConfig.UserRateLimit(100, 100, 1, 1, 1024, EdgeConfig.WhenExceeded.NO_FILL), nanos::get);
        givenAHandler(AdAdmission.OFF, rate, EdgeConfig.WhenExceeded.NO_FILL);

        assertThat(post(sample().replace(GAID, "00000000-0000-0000-0000-000000000000"))).isEqualTo(200);
        assertThat(post(sample().replace("\"gaid\": \"" + GAID + "\",", ""))).as("no GAID: same bucket as the zero GAID").isEqualTo(204);
        assertThat(post(sample().replace(GAID, "not-a-gaid"))).isEqualTo(204);
        assertThat(post(sample())).as("a real user is not anonymous").isEqualTo(200);
    }

    @Test
    void aUserOverTheRateLimitShouldGet429WithRetryAfterWhenConfigured() throws Exception {
        UserRequestRate rate = new UserRequestRate(new EdgeConfig.UserRateLimit(1, 1, 1, 1, 1024,
                EdgeConfig.WhenExceeded.TOO_MANY_REQUESTS), nanos::get);
        givenAHandler(AdAdmission.OFF, rate, EdgeConfig.WhenExceeded.TOO_MANY_REQUESTS);

        assertThat(post(sample())).isEqualTo(200);
        FullHttpResponse limited = request(HttpMethod.POST, "/v1/ads", sample());
        try {
            assertThat(limited.status().code()).isEqualTo(429);
            assertThat(limited.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("1");
            assertThat(limited.content().toString(StandardCharsets.UTF_8)).contains("rate_limited").contains("server.userRateLimit");
        } finally {
            limited.release();
        }
    }

    @Test
    void theExplainFlagShouldBeIgnoredOnThePublicPort() throws Exception {
        givenAHandler(AdAdmission.OFF, UserRequestRate.OFF, EdgeConfig.WhenExceeded.NO_FILL);
        FullHttpResponse r = request(HttpMethod.POST, "/v1/ads", "{\"adSpaceId\":101,\"geo\":{\"country\":\"ZZ\"},\"explain\":true}");
        try {
            assertThat(r.status().code()).as("nothing fills: 204, not 200 with the explain").isEqualTo(204);
        } finally {
            r.release();
        }
    }

    @Test
    void aClientResetShouldCloseQuietlyWithoutCountingAnError() throws Exception {
        givenAHandler(AdAdmission.OFF, UserRequestRate.OFF, EdgeConfig.WhenExceeded.NO_FILL);
        channel.pipeline().fireExceptionCaught(new SocketException("Connection reset by peer"));
        channel.runPendingTasks();

        Object written = channel.readOutbound();
        assertThat(written).as("no 500 written to a gone client").isNull();
        assertThat(channel.isOpen()).isFalse();
        assertThat(outcome("error")).isZero();
    }
}
