package io.adengine.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adengine.catalog.CatalogJson;
import io.adengine.config.EngineConfig;
import io.adengine.config.EventsConfig;
import io.adengine.events.EventMetrics.TrackerOutcome;
import io.adengine.events.EventPipeline;
import io.adengine.events.EventType;
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
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tracker endpoints behind the public handler on an {@link EmbeddedChannel}, over a real event
 * pipeline: a good token is answered only once the journal thread has acknowledged it (204, then 409 for
 * its repeat; a click 302s to the creative's landing page), and forged, expired, missing and malformed
 * tokens are refused at once and counted, never published.
 *
 * <p>The journal thread hands its acknowledgement to the channel's event loop; an {@code EmbeddedChannel}'s
 * task queue is not thread-safe, so a tracker request is fired straight into the pipeline (which runs no
 * tasks), the test waits until the pipeline drained (its sequences order the journal thread's hand-over
 * before this thread's reads), and only then runs the queued answer.
 */
class TrackerEndpointsTest {

    private static final Path CONFIG_DIR = Path.of("..", "config");
    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path journal;
    private final AtomicLong clock = new AtomicLong(NOW);
    private EngineConfig config;
    private EventPipeline events;
    private EmbeddedChannel channel;

    @BeforeEach
    void givenAPublicHandlerWithTrackersOverAnEventPipeline() throws Exception {
        config = EngineConfig.defaults(CONFIG_DIR.resolve("sample-catalog.json"));
        SnapshotHolder holder = new SnapshotHolder(new SnapshotBuilder(config.auction())
                .build(CatalogJson.read(CONFIG_DIR.resolve("sample-catalog.json"))));
        events = EventPipeline.startManualTicks(EventsConfig.inDirectory(journal).withPacing(EventsConfig.Pacing.ASAP), holder,
                clock::get, new PrometheusRegistry(), EventPipeline.EventSink.NONE);
        TrackerSigner signer = new TrackerSigner(config.trackers().hmacKey());
        ServingContext context = new ServingContext(holder, new ServingMetrics(holder),
                new TrackerMint(signer, config.trackers().ttlSeconds()), new AdResponseWriter(config.trackers().baseUrl()), events,
                clock::get, () -> 42L, config.maxBodyBytes(), config.adminToken(), BudgetGate.UNLIMITED, UserTargeting.UNKNOWN_USERS,
                Optional.empty(), Optional.of(new TrackerEndpoints(events, signer)), Optional.empty(), Optional.empty());
        channel = new EmbeddedChannel(new PublicApiHandler(context));
    }

    @AfterEach
    void closeChannelAndPipeline() {
        channel.finishAndReleaseAll();
        events.close();
    }

    /** What the handler answered, copied out of the released response. */
    private record Answer(int status, String location, String body) {
        String errorCode() throws IOException {
            return JSON.readTree(body).get("error").get("code").asText();
        }
    }

    private static FullHttpRequest request(HttpMethod method, String uri, String body) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, content);
        request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        return request;
    }

    /** The {@code X-Conversion-Token} of the last answer read (a counted click's). */
    private String lastConversionToken;

    private Answer read() {
        if (channel.isOpen()) {
            channel.flushOutbound();
        }
        FullHttpResponse response = channel.readOutbound();
        assertThat(response).as("an answer").isNotNull();
        lastConversionToken = response.headers().get("X-Conversion-Token");
        try {
            return new Answer(response.status().code(), response.headers().get(HttpHeaderNames.LOCATION),
                    response.content().toString(StandardCharsets.UTF_8));
        } finally {
            response.release();
        }
    }

    /** A request answered on the spot (no journal thread involved). */
    private Answer send(HttpMethod method, String uri, String body) {
        channel.writeInbound(request(method, uri, body));
        return read();
    }

    /** A tracker request with a good token: no answer until the journal thread has acknowledged it. */
    private Answer sendJournaled(HttpMethod method, String uri, String body) {
        channel.pipeline().fireChannelRead(request(method, uri, body));
        assertThat(channel.<Object>readOutbound()).as("no answer before the journal acknowledged").isNull();
        events.drain();
        channel.runPendingTasks();
        return read();
    }

    private JsonNode serveOneAd() throws IOException {
        Answer answer = send(HttpMethod.POST, "/v1/ads", Files.readString(CONFIG_DIR.resolve("sample-request.json")));
        assertThat(answer.status()).isEqualTo(200);
        return JSON.readTree(answer.body()).get("ads").get(0);
    }

    private static String token(JsonNode ad) {
        String url = ad.get("impressionTrackers").get(0).asText();
        return url.substring(url.indexOf("t=") + 2);
    }

    private static String clickToken(JsonNode ad) {
        String url = ad.get("clickTracker").asText();
        return url.substring(url.indexOf("t=") + 2);
    }

    /** Counts the ad's impression, then a second later its click (journaled both); the click's answer. */
    private Answer impressionThenClick(JsonNode ad) {
        assertThat(sendJournaled(HttpMethod.GET, "/v1/events/imp?t=" + token(ad), "").status()).isEqualTo(204);
        clock.addAndGet(1_000);
        return sendJournaled(HttpMethod.GET, "/v1/events/click?t=" + clickToken(ad), "");
    }

    private double count(EventType type, TrackerOutcome outcome) {
        return events.metrics().trackerCount(type, outcome);
    }

    @Test
    void impressionShouldAnswer204OnceJournaledAnd409WhenRepeated() throws Exception {
        String t = token(serveOneAd());

        Answer first = sendJournaled(HttpMethod.GET, "/v1/events/imp?t=" + t, "");
        Answer again = sendJournaled(HttpMethod.GET, "/v1/events/imp?t=" + t, "");

        assertThat(first.status()).isEqualTo(204);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.errorCode()).isEqualTo("duplicate_event");
        assertThat(count(EventType.IMPRESSION, TrackerOutcome.ACCEPTED)).isEqualTo(1);
        assertThat(count(EventType.IMPRESSION, TrackerOutcome.DUPLICATE)).isEqualTo(1);
    }

    @Test
    void clickShouldRedirectToTheCreativesLandingPageWhenJournaled() throws Exception {
        JsonNode ad = serveOneAd();

        Answer answer = impressionThenClick(ad);

        assertThat(answer.status()).isEqualTo(302);
        assertThat(answer.location()).isEqualTo(ad.get("clickUrl").asText());
        assertThat(count(EventType.CLICK, TrackerOutcome.ACCEPTED)).isEqualTo(1);
    }

    @Test
    void conversionShouldAnswer204WhenItsBodyCarriesAGoodToken() throws Exception {
        impressionThenClick(serveOneAd());
        String t = lastConversionToken;

        Answer answer = sendJournaled(HttpMethod.POST, "/v1/events/conversion", "{\"token\":\"" + t + "\",\"other\":[1]}");

        assertThat(answer.status()).isEqualTo(204);
        assertThat(count(EventType.CONVERSION, TrackerOutcome.ACCEPTED)).isEqualTo(1);
    }

    @Test
    void aForgedTokenShouldAnswer403AtOnceAndBeCounted() throws Exception {
        String t = token(serveOneAd());
        // Change a payload character (the MAC's last base64 character has unused low bits, so it is no test).
        String forged = t.substring(0, 5) + (t.charAt(5) == 'A' ? 'B' : 'A') + t.substring(6);

        Answer answer = send(HttpMethod.GET, "/v1/events/imp?t=" + forged, "");

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.errorCode()).isEqualTo("forged_token");
        assertThat(count(EventType.IMPRESSION, TrackerOutcome.FORGED)).isEqualTo(1);
        assertThat(count(EventType.IMPRESSION, TrackerOutcome.ACCEPTED)).isZero();
    }

    @Test
    void anExpiredTokenShouldAnswer410WhenTheEngineClockPassedItsExpiry() throws Exception {
        String t = clickToken(serveOneAd());
        clock.addAndGet((config.trackers().ttlSeconds() + 1) * 1000L);

        Answer answer = send(HttpMethod.GET, "/v1/events/click?t=" + t, "");

        assertThat(answer.status()).isEqualTo(410);
        assertThat(answer.errorCode()).isEqualTo("expired_token");
        assertThat(answer.location()).as("no redirect for an expired token").isNull();
        assertThat(count(EventType.CLICK, TrackerOutcome.EXPIRED)).isEqualTo(1);
    }

    @Test
    void aMissingTokenShouldAnswer400NamingTheParameter() throws Exception {
        Answer answer = send(HttpMethod.GET, "/v1/events/imp", "");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(JSON.readTree(answer.body()).get("error").get("field").asText()).isEqualTo("t");
        assertThat(count(EventType.IMPRESSION, TrackerOutcome.BAD_REQUEST)).isEqualTo(1);
    }

    @Test
    void aConversionShouldAnswer400WhenItsBodyIsNotATokenObject() throws Exception {
        Answer answer = send(HttpMethod.POST, "/v1/events/conversion", "[\"not an object\"]");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(JSON.readTree(answer.body()).get("error").get("field").asText()).isEqualTo("token");
        assertThat(count(EventType.CONVERSION, TrackerOutcome.BAD_REQUEST)).isEqualTo(1);
    }

    @Test
    void aTrackerShouldAnswer405WhenTheMethodIsWrong() {
        Answer answer = send(HttpMethod.POST, "/v1/events/imp?t=x", "");

        assertThat(answer.status()).isEqualTo(405);
    }
}
