package io.adengine.server;

import io.adengine.config.EdgeConfig;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The public pipeline's deadline handlers on an {@link EmbeddedChannel} with frozen time, so that "closed at
 * its deadline" is checked to the millisecond without a wall clock: a request whose headers trickle in is
 * open one millisecond before the header deadline and closed at it; a body likewise; a connection the
 * engine is answering is not closed however long the answer takes; an idle one is closed at the idle timeout.
 */
class RequestDeadlineTest {

    private static final long HEADER_MS = 300;
    private static final long BODY_MS = 500;
    private static final long IDLE_MS = 2_000;

    private final EdgeMetrics metrics = new EdgeMetrics(new PrometheusRegistry());
    private final EdgeMetrics.Port port = metrics.port("public", () -> 0);
    private FullHttpRequest held;
    private EmbeddedChannel channel;

    /** The pipeline of {@link PublicChannelInitializer} up to the aggregator, then a handler that answers only when told. */
    private EmbeddedChannel givenAConnection() {
        RequestDeadline deadline = new RequestDeadline(HEADER_MS, BODY_MS, port);
        channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.attr(RequestDeadline.KEY).set(deadline);
        channel.pipeline()
                .addLast(new IdleStateHandler(IDLE_MS, 0, 0, TimeUnit.MILLISECONDS))
                .addLast(deadline.firstByte())
                .addLast(PublicChannelInitializer.codec(EdgeConfig.DEFAULTS))
                .addLast(deadline.messages())
                .addLast(new MalformedRequests(EdgeConfig.MAX_REQUEST_LINE_BYTES_DEFAULT, EdgeConfig.MAX_HEADER_BYTES_DEFAULT))
                .addLast(new BodyLimitAggregator(16_384))
                .addLast(new SimpleChannelInboundHandler<FullHttpRequest>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
                        held = msg.retain();
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        // As the API handlers do: a request cut off by its own deadline is the client's doing.
                        assertThat(ClientGone.is(cause)).as(cause.toString()).isTrue();
                    }
                });
        return channel;
    }

    @AfterEach
    void release() {
        if (held != null) {
            held.release();
        }
        channel.finishAndReleaseAll();
    }

    private void send(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    }

    private void advance(long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        channel.runScheduledPendingTasks();
    }

    @Test
    void headersTricklingInShouldBeCutOffAtTheHeaderDeadline() {
        givenAConnection();
        send("POST /v1/ads HTTP/1.1\r\n");
        for (int i = 0; i < 29; i++) {
            advance(10);
            send("X-Slow-" + i + ": y\r\n");
        }
        advance(9);
        assertThat(channel.isOpen()).as("open until the deadline").isTrue();

        advance(1);
        assertThat(channel.isOpen()).as("closed at %d ms", HEADER_MS).isFalse();
        assertThat(port.closedCount(EdgeMetrics.CloseReason.HEADER_TIMEOUT)).isEqualTo(1);
    }

    @Test
    void aBodyTricklingInShouldBeCutOffAtTheBodyDeadline() {
        givenAConnection();
        send("POST /v1/ads HTTP/1.1\r\nContent-Length: 100\r\n\r\n");
        advance(BODY_MS - 1);
        send("{");
        assertThat(channel.isOpen()).isTrue();

        advance(1);
        assertThat(channel.isOpen()).isFalse();
        assertThat(port.closedCount(EdgeMetrics.CloseReason.BODY_TIMEOUT)).isEqualTo(1);
    }

    @Test
    void aRequestBeingAnsweredShouldHaveNoDeadlineAndAKeepAliveConnectionItsNextOne() {
        givenAConnection();
        send("POST /v1/ads HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}");
        assertThat(held).isNotNull();
        advance(10 * BODY_MS);
        assertThat(channel.isOpen()).as("the engine is answering: no client deadline runs").isTrue();

        HttpResponses.send(channel.pipeline().lastContext(), HttpResponses.empty(HttpResponseStatus.NO_CONTENT), true);
        channel.flushOutbound();
        Object answer = channel.readOutbound();
        assertThat(answer).isNotNull();
        ReferenceCountUtil.release(answer);
        advance(HEADER_MS * 3);
        assertThat(channel.isOpen()).as("waiting for the next request: only the idle timeout applies").isTrue();

        send("GET /health HTTP/1.1\r\n");
        advance(HEADER_MS);
        assertThat(channel.isOpen()).as("the next request's headers have their own deadline").isFalse();
    }

    @Test
    void anIdleConnectionShouldBeClosedAtTheIdleTimeout() {
        givenAConnection();
        advance(IDLE_MS - 1);
        assertThat(channel.isOpen()).isTrue();

        advance(1);
        assertThat(channel.isOpen()).isFalse();
        assertThat(port.closedCount(EdgeMetrics.CloseReason.IDLE_TIMEOUT)).isEqualTo(1);
    }

    @Test
    void onlyIdleOrHeaderPhaseConnectionsShouldBeEvictable() {
        givenAConnection();
        RequestDeadline deadline = channel.attr(RequestDeadline.KEY).get();
        assertThat(deadline.evictable()).isTrue();
        send("POST /v1/ads HTTP/1.1\r\nContent-Length: 100\r\n\r\n");
        assertThat(deadline.evictable()).as("a body is arriving").isFalse();
        assertThat(deadline.claimEviction()).isFalse();
    }
}
