package io.adengine.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adengine.catalog.CatalogJson;
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
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin handler on an {@link EmbeddedChannel}: the bearer token guards every route (401 with a
 * challenge without one, 403 for a wrong one), {@code GET /metrics} answers the Prometheus text of the
 * serving metrics, and explain names why an ad group did not serve.
 */
class AdminApiHandlerTest {

    private static final Path CONFIG_DIR = Path.of("..", "config");
    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final ObjectMapper JSON = new ObjectMapper();

    private EngineConfig config;
    private ServingMetrics metrics;
    private EmbeddedChannel channel;

    @BeforeEach
    void givenAnAdminHandlerOverTheSampleCatalog() throws Exception {
        config = EngineConfig.defaults(CONFIG_DIR.resolve("sample-catalog.json"));
        SnapshotHolder holder = new SnapshotHolder(new SnapshotBuilder(config.auction())
                .build(CatalogJson.read(CONFIG_DIR.resolve("sample-catalog.json"))));
        metrics = new ServingMetrics(holder);
        ServingContext context = new ServingContext(holder, metrics,
                new TrackerMint(new TrackerSigner(config.trackers().hmacKey()), config.trackers().ttlSeconds()),
                new AdResponseWriter(config.trackers().baseUrl()), ServedAds.NONE, () -> NOW, () -> 42L, config.maxBodyBytes(),
                config.adminToken(), BudgetGate.UNLIMITED, UserTargeting.UNKNOWN_USERS, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
        channel = new EmbeddedChannel(new AdminApiHandler(context));
    }

    @AfterEach
    void closeChannel() {
        channel.finishAndReleaseAll();
    }

    /** What the handler answered: status, headers and body copied out, the response released. */
    private record Answer(int status, String contentType, String allow, String challenge, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    private Answer send(HttpMethod method, String uri, String authorization, String body) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, content);
        request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        if (authorization != null) {
            request.headers().set(HttpHeaderNames.AUTHORIZATION, authorization);
        }
        channel.writeInbound(request);
        if (channel.isOpen()) {
            channel.flushOutbound();
        }
        FullHttpResponse response = channel.readOutbound();
        assertThat(response).as("an answer to %s %s", method, uri).isNotNull();
        try {
            return new Answer(response.status().code(), response.headers().get(HttpHeaderNames.CONTENT_TYPE),
                    response.headers().get(HttpHeaderNames.ALLOW), response.headers().get(HttpHeaderNames.WWW_AUTHENTICATE),
                    response.content().toString(StandardCharsets.UTF_8));
        } finally {
            response.release();
        }
    }

    private String token() {
        return "Bearer " + config.adminToken();
    }

    @Test
    void metricsShouldAnswer401WithABearerChallengeWhenNoTokenIsSent() throws Exception {
        Answer answer = send(HttpMethod.GET, "/metrics", null, "");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.challenge()).isEqualTo("Bearer");
        assertThat(answer.json().get("error").get("code").asText()).isEqualTo("unauthorized");
        assertThat(answer.body()).doesNotContain("adengine_");
    }

    @Test
    void metricsShouldAnswer401WhenTheAuthorizationIsNotABearerToken() throws Exception {
        Answer answer = send(HttpMethod.GET, "/metrics", "Basic " + config.adminToken(), "");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.json().get("error").get("code").asText()).isEqualTo("unauthorized");
    }

    @Test
    void everyRouteShouldAnswer403WhenTheTokenIsWrong() throws Exception {
        for (String wrong : new String[] {"Bearer nope", token() + "x", token().substring(0, token().length() - 1)}) {
            Answer metricsAnswer = send(HttpMethod.GET, "/metrics", wrong, "");
            Answer explainAnswer = send(HttpMethod.POST, "/v1/admin/explain", wrong, "{\"adSpaceId\":101}");

            assertThat(metricsAnswer.status()).as(wrong).isEqualTo(403);
            assertThat(metricsAnswer.json().get("error").get("code").asText()).isEqualTo("forbidden");
            assertThat(metricsAnswer.body()).doesNotContain("adengine_");
            assertThat(explainAnswer.status()).as(wrong).isEqualTo(403);
        }
    }

    @Test
    void metricsShouldAnswerPrometheusTextOfTheServingMetricsWhenTheTokenIsRight() {
        metrics.record(ServingMetrics.RequestOutcome.FILLED, 2, 300_000);
        metrics.record(ServingMetrics.RequestOutcome.NO_FILL, 0, 40_000);

        Answer answer = send(HttpMethod.GET, "/metrics", token(), "");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).isEqualTo(ServingMetrics.contentType());
        assertThat(answer.body()).contains("adengine_ad_requests_total{outcome=\"filled\"} 1.0")
                .contains("adengine_ad_requests_total{outcome=\"no_fill\"} 1.0")
                .contains("adengine_ads_served_total 2.0")
                .contains("adengine_ad_groups 8")
                .contains("adengine_ad_request_latency_seconds_count 2")
                // 40 µs falls in the 50 µs bucket, 300 µs first in the 500 µs one.
                .contains("adengine_ad_request_latency_seconds_bucket{le=\"5.0E-5\"} 1")
                .contains("adengine_ad_request_latency_seconds_bucket{le=\"2.5E-4\"} 1")
                .contains("adengine_ad_request_latency_seconds_bucket{le=\"5.0E-4\"} 2");
    }

    @Test
    void metricsShouldAnswer405WithAllowWhenNotAGet() {
        Answer answer = send(HttpMethod.POST, "/metrics", token(), "");

        assertThat(answer.status()).isEqualTo(405);
        assertThat(answer.allow()).isEqualTo("GET");
    }

    @Test
    void explainShouldNameTheFirstReasonWhenTheGroupDidNotServe() throws Exception {
        Answer answer = send(HttpMethod.POST, "/v1/admin/explain", token(),
                "{\"adSpaceId\":101,\"geo\":{\"country\":\"IN\"},\"explainAdGroupId\":211}");

        assertThat(answer.status()).isEqualTo(200);
        JsonNode json = answer.json();
        assertThat(json.get("catalogVersion").asLong()).isEqualTo(1);
        assertThat(json.get("explain").get("adGroup").get("reason").asText()).isEqualTo("AD_GROUP_NOT_APPROVED");
        assertThat(json.get("winners")).isNotEmpty();
    }

    @Test
    void explainShouldAnswer400NamingTheFieldWhenTheAdSpaceIsUnknown() throws Exception {
        Answer answer = send(HttpMethod.POST, "/v1/admin/explain", token(), "{\"adSpaceId\":999999}");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("error").get("code").asText()).isEqualTo("unknown_ad_space");
        assertThat(answer.json().get("error").get("field").asText()).isEqualTo("adSpaceId");
    }

    @Test
    void explainShouldAnswer405WithAllowWhenNotAPost() {
        Answer answer = send(HttpMethod.GET, "/v1/admin/explain", token(), "");

        assertThat(answer.status()).isEqualTo(405);
        assertThat(answer.allow()).isEqualTo("POST");
    }

    @Test
    void anUnknownPathShouldAnswer404WhenNoOptionalRouteTakesIt() throws Exception {
        Answer answer = send(HttpMethod.GET, "/v1/admin/reports", token(), "");

        assertThat(answer.status()).as("reports are absent without events").isEqualTo(404);
        assertThat(answer.json().get("error").get("code").asText()).isNotBlank();
    }
}
