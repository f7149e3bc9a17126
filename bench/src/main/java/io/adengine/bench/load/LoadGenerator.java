package io.adengine.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Drives an HTTP server over keep-alive connections and measures every answer with HdrHistogram.
 * Each client event loop owns a {@link Lane}: its connections, its share of the rate and its histogram,
 * touched only from that loop, so the generator itself takes no locks.
 */
public final class LoadGenerator {

    /** Highest latency the histograms track: one minute. */
    static final long MAX_LATENCY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final long TICK_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

    private LoadGenerator() {
    }

    /** Runs one bounded load run and returns what it measured; every connection and thread is closed on return. */
    public static LoadResult run(LoadSettings s, String label) throws IOException, InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(s.threads(), Transport.ioHandler());
        List<Lane> lanes = new ArrayList<>();
        try {
            CountDownLatch done = new CountDownLatch(s.threads());
            for (int i = 0; i < s.threads(); i++) {
                long share = s.maxRequests() == 0 ? Long.MAX_VALUE
                        : s.maxRequests() / s.threads() + (i < s.maxRequests() % s.threads() ? 1 : 0);
                lanes.add(new Lane(s, i, group.next(), share, done));
            }
            for (int c = 0; c < s.connections(); c++) {
                lanes.get(c % lanes.size()).connect();
            }
            for (Lane lane : lanes) {
                lane.awaitConnected();
            }
            for (Lane lane : lanes) {
                lane.loop.execute(lane::start);
            }
            long bound = TimeUnit.NANOSECONDS.toMillis(s.durationNanos() + s.drainNanos()) + 10_000;
            if (!done.await(bound, TimeUnit.MILLISECONDS)) {
                throw new IOException("load run did not finish within " + bound + " ms");
            }
            return merge(s, label, lanes);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static LoadResult merge(LoadSettings s, String label, List<Lane> lanes) {
        Histogram total = new Histogram(MAX_LATENCY_NANOS, 3);
        Histogram admitted = new Histogram(MAX_LATENCY_NANOS, 3);
        long completed = 0, ok = 0, noFill = 0, unavailable = 0, other = 0, errors = 0, timedOut = 0, unsent = 0;
        long start = Long.MAX_VALUE;
        long finish = Long.MIN_VALUE;
        for (Lane l : lanes) {
            total.add(l.histogram);
            admitted.add(l.admitted);
            completed += l.completed;
            ok += l.ok;
            noFill += l.noFill;
            unavailable += l.unavailable;
            other += l.other;
            errors += l.errors;
            timedOut += l.timedOut;
            unsent += l.pending.size();
            start = Math.min(start, l.startNanos);
            finish = Math.max(finish, l.lastAnswerNanos);
        }
        long elapsed = Math.max(0, finish - start);
        return new LoadResult(label, s.mode(), s.connections(), s.mode() == LoadMode.OPEN ? s.ratePerSecond() : 0, elapsed,
                completed, ok, noFill, unavailable, other, errors, timedOut, unsent, total, admitted);
    }

    /** One client event loop's connections and counters. Every method runs on {@link #loop}. */
    private static final class Lane {
        final LoadSettings s;
        final int index;
        final EventLoop loop;
        final long maxRequests;
        final CountDownLatch done;
        final Histogram histogram = new Histogram(MAX_LATENCY_NANOS, 3);
        /** Answers the server admitted (200 and 204), apart from the quick refusals (503) an overloaded server sheds. */
        final Histogram admitted = new Histogram(MAX_LATENCY_NANOS, 3);
        final ArrayDeque<Long> pending = new ArrayDeque<>();
        final ArrayDeque<Connection> idle = new ArrayDeque<>();
        final List<ChannelFuture> connecting = new ArrayList<>();
        final String host;
        int live;
        long issued;
        long completed, ok, noFill, unavailable, other, errors, timedOut;
        long startNanos, endNanos, nextDue, interval, lastAnswerNanos;
        long bodiesSent;
        boolean issuing = true;
        boolean finished;
        ScheduledFuture<?> ticker;
        ScheduledFuture<?> deadline;

        Lane(LoadSettings s, int index, EventLoop loop, long maxRequests, CountDownLatch done) {
            this.s = s;
            this.index = index;
            this.loop = loop;
            this.maxRequests = maxRequests;
            this.done = done;
            this.host = s.target().getHostString() + ":" + s.target().getPort();
        }

        void connect() {
            Connection conn = new Connection(this);
            connecting.add(new Bootstrap().group(loop).channel(Transport.clientChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec()).addLast(conn);
                        }
                    })
                    .connect(s.target()));
        }

        void awaitConnected() throws IOException, InterruptedException {
            for (ChannelFuture f : connecting) {
                f.await();
                if (!f.isSuccess()) {
                    throw new IOException("cannot connect to " + s.target() + ": " + f.cause());
                }
            }
        }

        void start() {
            startNanos = System.nanoTime();
            lastAnswerNanos = startNanos;
            endNanos = startNanos + s.durationNanos();
            for (ChannelFuture f : connecting) {
                Connection c = (Connection) f.channel().pipeline().last();
                if (f.channel().isActive()) {
                    live++;
                    idle.add(c);
                }
            }
            // A silent server must not hang the run: past the drain deadline whatever is open is given up.
            deadline = loop.schedule(() -> {
                issuing = false;
                checkFinished(System.nanoTime());
            }, s.durationNanos() + s.drainNanos(), TimeUnit.NANOSECONDS);
            if (s.mode() == LoadMode.OPEN) {
                double perLane = s.ratePerSecond() / s.threads();
                interval = Math.max(1, (long) (1e9 / perLane));
                // Lanes interleave their due times so the total stream stays evenly spaced.
                nextDue = startNanos + interval * index / s.threads();
                ticker = loop.scheduleAtFixedRate(this::tick, 0, TICK_NANOS, TimeUnit.NANOSECONDS);
            } else {
                while (!idle.isEmpty() && claim()) {
                    idle.poll().send(System.nanoTime());
                }
                checkFinished(System.nanoTime());
            }
        }

        /** Closed loop: whether one more request may be sent (and counts it). */
        private boolean claim() {
            if (!issuing) {
                return false;
            }
            if (issued >= maxRequests || System.nanoTime() >= endNanos) {
                issuing = false;
                return false;
            }
            issued++;
            return true;
        }

        /** Open loop: makes every request whose due time has passed pending, and sends what idle connections can. */
        void tick() {
            long now = System.nanoTime();
            while (issuing && nextDue <= now) {
                if (issued >= maxRequests || nextDue >= endNanos) {
                    issuing = false;
                    break;
                }
                pending.add(nextDue);
                issued++;
                nextDue += interval;
            }
            while (!idle.isEmpty() && !pending.isEmpty()) {
                idle.poll().send(pending.poll());
            }
            checkFinished(now);
        }

        void answered(Connection c, int status, long now) {
            long latency = Math.min(now - c.since, MAX_LATENCY_NANOS);
            histogram.recordValue(latency);
            if (status == 200 || status == 204) {
                admitted.recordValue(latency);
            }
            completed++;
            lastAnswerNanos = now;
            switch (status) {
                case 200 -> ok++;
                case 204 -> noFill++;
                case 503 -> unavailable++;
                default -> other++;
            }
            next(c, now);
        }

        void failed(Connection c, boolean wasInFlight) {
            if (wasInFlight) {
                errors++;
            }
            idle.remove(c);
            live--;
            checkFinished(System.nanoTime());
        }

        private void next(Connection c, long now) {
            if (s.mode() == LoadMode.OPEN) {
                if (!pending.isEmpty()) {
                    c.send(pending.poll());
                } else {
                    idle.add(c);
                }
            } else if (claim()) {
                c.send(now);
            } else {
                idle.add(c);
            }
            checkFinished(now);
        }

        private void checkFinished(long now) {
            if (finished) {
                return;
            }
            boolean drained = !issuing && pending.isEmpty() && idle.size() == live;
            boolean giveUp = now >= endNanos + s.drainNanos() || live == 0;
            if (!drained && !giveUp) {
                return;
            }
            finished = true;
            if (ticker != null) {
                ticker.cancel(false);
            }
            if (deadline != null) {
                deadline.cancel(false);
            }
            for (Connection c : connectionsInFlight()) {
                timedOut++;
                if (s.mode() == LoadMode.OPEN) {
                    histogram.recordValue(Math.min(now - c.since, MAX_LATENCY_NANOS));
                }
                c.channel.close();
            }
            if (s.mode() == LoadMode.OPEN) {
                for (long due : pending) {
                    histogram.recordValue(Math.min(Math.max(0, now - due), MAX_LATENCY_NANOS));
                }
            }
            for (Connection c : idle) {
                c.channel.close();
            }
            done.countDown();
        }

        private List<Connection> connectionsInFlight() {
            List<Connection> out = new ArrayList<>();
            for (ChannelFuture f : connecting) {
                if (f.channel().isActive() && f.channel().pipeline().last() instanceof Connection c && c.inFlight) {
                    out.add(c);
                }
            }
            return out;
        }

        byte[] body() {
            // Lanes interleave over the bodies: lane i sends bodies i, i + threads, i + 2 * threads, ...
            long i = (bodiesSent++ * s.threads() + index) % s.bodies().size();
            return s.bodies().get((int) i);
        }
    }

    /** One keep-alive connection: at most one request in flight. */
    private static final class Connection extends SimpleChannelInboundHandler<HttpObject> {
        final Lane lane;
        Channel channel;
        long since;
        boolean inFlight;
        int status;

        Connection(Lane lane) {
            this.lane = lane;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            ctx.fireChannelActive();
        }

        void send(long since) {
            this.since = since;
            this.inFlight = true;
            byte[] body = lane.body();
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, lane.s.path(),
                    Unpooled.wrappedBuffer(body));
            request.headers().set(HttpHeaderNames.HOST, lane.host)
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            channel.writeAndFlush(request, channel.voidPromise());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpResponse response) {
                status = response.status().code();
            }
            if (msg instanceof LastHttpContent && inFlight) {
                inFlight = false;
                if (!lane.finished) {
                    lane.answered(this, status, System.nanoTime());
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!lane.finished) {
                boolean was = inFlight;
                inFlight = false;
                lane.failed(this, was);
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
