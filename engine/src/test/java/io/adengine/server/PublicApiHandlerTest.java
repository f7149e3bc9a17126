package io.adengine.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adengine.catalog.CatalogJson;
import io.adengine.config.EngineConfig;
import io.adengine.events.Impressions;
import io.adengine.events.ServedAds;
import io.adengine.events.TrackerMint;
import io.adengine.events.TrackerSigner;
import io.adengine.index.SnapshotBuilder;
import io.adengine.index.SnapshotHolder;
import io.adengine.match.BudgetGate;
import io.adengine.match.UserTargeting;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The public handler on an {@link EmbeddedChannel}: the serving path reports its served ads (the step that
 * reserves budget and journals served events) only once the answer has rendered, with the impressions the
 * answer carries; an answer that fails to render reports nothing.
 */
class PublicApiHandlerTest {

    private static final Path CONFIG_DIR = Path.of("..", "config");
    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<List<String>> reported = new ArrayList<>();
    private EmbeddedChannel channel;

    @BeforeEach
    void givenAHandlerOverTheSampleCatalog() throws Exception {
        EngineConfig config = EngineConfig.defaults(CONFIG_DIR.resolve("sample-catalog.json"));
        SnapshotHolder holder = new SnapshotHolder(new SnapshotBuilder(config.auction())
                .build(CatalogJson.read(CONFIG_DIR.resolve("sample-catalog.json"))));
        ServedAds recording = (snapshot, request, decision, impressions) -> reported.add(ids(impressions));
        ServingContext context = new ServingContext(holder, new ServingMetrics(holder),
                new TrackerMint(new TrackerSigner(config.trackers().hmacKey()), config.trackers().ttlSeconds()),
                new AdResponseWriter(config.trackers().baseUrl()), recording, () -> NOW, () -> 42L, config.maxBodyBytes(),
                config.adminToken(), BudgetGate.UNLIMITED, UserTargeting.UNKNOWN_USERS, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
        channel = new EmbeddedChannel(new PublicApiHandler(context));
    }

    @AfterEach
    void closeChannel() {
        channel.finishAndReleaseAll();
    }

    private static List<String> ids(Impressions impressions) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < impressions.count(); i++) {
            ids.add(impressions.id(i));
        }
        return ids;
    }

    private FullHttpResponse post(String body) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/ads", content);
        request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        channel.writeInbound(request);
        if (channel.isOpen()) {
            channel.flushOutbound();
        }
        return channel.readOutbound();
    }

    @Test
    void servedAdsShouldBeReportedOnceWithTheImpressionsOfTheAnswer() throws Exception {
        FullHttpResponse response = post(Files.readString(CONFIG_DIR.resolve("sample-request.json")));
        try {
            assertThat(response.status().code()).isEqualTo(200);
            JsonNode answer = JSON.readTree(response.content().toString(StandardCharsets.UTF_8));
            List<String> answered = new ArrayList<>();
            answer.get("ads").forEach(ad -> answered.add(ad.get("impressionId").asText()));
            assertThat(answered).hasSize(2);
            assertThat(reported).containsExactly(answered);
        } finally {
            response.release();
        }
    }

    @Test
    void anAnswerThatFailsToRenderShouldReserveAndRecordNothing() throws Exception {
        // The first buffer the handler takes is the ad answer's: let it hold 64 bytes, so rendering overflows it.
        channel.config().setAllocator(new AbstractByteBufAllocator(false) {
            private boolean first = true;

            @Override
            protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
                int max = first ? 64 : maxCapacity;
                first = false;
                return Unpooled.buffer(Math.min(initialCapacity, max), max);
            }

            @Override
            protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
                return newHeapBuffer(initialCapacity, maxCapacity);
            }

            @Override
            public boolean isDirectBufferPooled() {
                return false;
            }
        });
        FullHttpResponse response = post(Files.readString(CONFIG_DIR.resolve("sample-request.json")));
        try {
            assertThat(response.status().code()).isEqualTo(500);
            assertThat(reported).isEmpty();
            assertThat(channel.isOpen()).as("the error answer closes the connection, the handler lives on").isFalse();
        } finally {
            response.release();
        }
    }
}
