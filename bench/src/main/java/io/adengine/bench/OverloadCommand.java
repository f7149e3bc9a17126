package io.adengine.bench;

import io.adengine.bench.load.LoadGenerator;
import io.adengine.bench.load.LoadMode;
import io.adengine.bench.load.LoadResult;
import io.adengine.bench.load.LoadSettings;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code bench overload} (F10, hostile traffic): in one run against one engine, the closed-loop capacity C,
 * then open-loop load at the sustainable rate S = share × C ("normal") and at factor × S ("overload"), with
 * {@code GET /health} probed on its own connection during the overload. Reports, for each, the p99 of the
 * admitted answers (200 / 204, latency from the due time: no coordinated omission), the share shed (503),
 * and the overload ÷ normal p99 ratio. Loopback only; every phase is bounded by its duration.
 */
@Command(name = "overload", mixinStandardHelpOptions = true,
        description = "Admitted p99 and shed share at overload vs normal load, in one run (F10).")
public final class OverloadCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "loopback host only")
    String host;

    @Option(names = "--port", required = true, description = "the engine's public port")
    int port;

    @Option(names = "--requests", required = true, description = "JSON lines file of request bodies (workload's requests.jsonl)")
    Path requests;

    @Option(names = "--max-bodies", defaultValue = "100000")
    int maxBodies;

    @Option(names = "--connections", defaultValue = "256",
            description = "keep-alive connections of the open-loop phases (default ${DEFAULT-VALUE}): enough that the client's own pool is not "
                    + "what limits throughput (Little's law: rate × latency in flight), so a queue forms at the server, where admission control "
                    + "sees it; on the 2-core box 1,024 made the client itself the bottleneck (p99 62 ms against a hello-world server at 30k req/s)")
    int connections;

    @Option(names = "--capacity-connections", defaultValue = "64",
            description = "connections of the closed-loop phases (default ${DEFAULT-VALUE}, as the suite's F2): few enough that the engine's "
                    + "queue stays under the admission budget, so C is what it serves, not what it sheds")
    int capacityConnections;

    @Option(names = "--threads", defaultValue = "1", description = "client event loops (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--warmup", defaultValue = "10", description = "closed-loop seconds first, discarded (default ${DEFAULT-VALUE})")
    double warmup;

    @Option(names = "--capacity-seconds", defaultValue = "15", description = "closed-loop seconds measuring C (default ${DEFAULT-VALUE})")
    double capacitySeconds;

    @Option(names = "--share", defaultValue = "0.5",
            description = "sustainable rate S as a share of C (default ${DEFAULT-VALUE}, the 50 % row of the suite's F3)")
    double share;

    @Option(names = "--rate", defaultValue = "0", description = "S in requests per second instead of share × C")
    double rate;

    @Option(names = "--factor", defaultValue = "2", description = "overload = factor × S (default ${DEFAULT-VALUE})")
    double factor;

    @Option(names = "--duration", defaultValue = "20", description = "seconds of each open-loop phase (default ${DEFAULT-VALUE})")
    double duration;

    @Option(names = "--health-every-millis", defaultValue = "50")
    long healthEveryMillis;

    @Option(names = "--label", defaultValue = "overload")
    String label;

    @Option(names = "--out", description = "folder for LABEL-{capacity,normal,overload}.{hgrm,png,properties} and LABEL.properties")
    Path out;

    @Override
    public Integer call() throws Exception {
        InetAddress address = InetAddress.getByName(host);
        if (!address.isLoopbackAddress()) {
            System.err.println("--host must be a loopback address; refusing " + host);
            return 2;
        }
        if (!label.matches("[A-Za-z0-9._-]{1,64}")) {
            System.err.println("--label must be 1..64 of [A-Za-z0-9._-]");
            return 2;
        }
        List<byte[]> bodies;
        try (var lines = Files.lines(requests, StandardCharsets.UTF_8)) {
            bodies = lines.filter(l -> !l.isBlank()).limit(maxBodies).map(l -> l.getBytes(StandardCharsets.UTF_8)).toList();
        }
        InetSocketAddress target = new InetSocketAddress(address, port);
        if (warmup > 0) {
            LoadGenerator.run(settings(target, bodies, LoadMode.CLOSED, 0, warmup, capacityConnections), label + "-warmup");
        }
        LoadResult capacity = LoadGenerator.run(settings(target, bodies, LoadMode.CLOSED, 0, capacitySeconds, capacityConnections),
                label + "-capacity");
        double admittedPerSecond = capacity.elapsedNanos() == 0 ? 0
                : (capacity.ok200() + capacity.noFill204()) * 1e9 / capacity.elapsedNanos();
        double sustainable = rate > 0 ? rate : share * admittedPerSecond;
        System.out.println(capacity.summary());
        System.out.printf(Locale.ROOT, "capacity C = %.0f admitted req/s (closed loop, %d connections); S = %.0f req/s; overload = %.0f req/s%n",
                admittedPerSecond, capacityConnections, sustainable, factor * sustainable);

        LoadResult normal = LoadGenerator.run(settings(target, bodies, LoadMode.OPEN, sustainable, duration, connections), label + "-normal");
        System.out.println(normal.summary());
        HealthProbe probe = new HealthProbe(target, healthEveryMillis);
        Thread prober = new Thread(probe, "health-probe");
        prober.setDaemon(true);
        prober.start();
        LoadResult overload;
        try {
            overload = LoadGenerator.run(settings(target, bodies, LoadMode.OPEN, factor * sustainable, duration, connections), label + "-overload");
        } finally {
            probe.stop.set(true);
            prober.join(TimeUnit.SECONDS.toMillis(10));
        }
        System.out.println(overload.summary());

        double ratio = normal.admittedPercentileMillis(99) == 0 ? 0 : overload.admittedPercentileMillis(99) / normal.admittedPercentileMillis(99);
        String figures = String.format(Locale.ROOT, """
                capacityAdmittedPerSecond=%.0f
                sustainableRate=%.0f
                overloadRate=%.0f
                normalAdmittedP50ms=%.3f
                normalAdmittedP99ms=%.3f
                normalShedShare=%.4f
                overloadAdmittedP50ms=%.3f
                overloadAdmittedP99ms=%.3f
                overloadShedShare=%.4f
                overloadAdmittedPerSecond=%.0f
                overloadTimedOut=%d
                overloadUnsent=%d
                p99Ratio=%.2f
                healthProbes=%d
                healthFailures=%d
                healthP99ms=%.3f
                healthMaxms=%.3f
                """, admittedPerSecond, sustainable, factor * sustainable,
                normal.admittedPercentileMillis(50), normal.admittedPercentileMillis(99), normal.shedShare(),
                overload.admittedPercentileMillis(50), overload.admittedPercentileMillis(99), overload.shedShare(),
                overload.elapsedNanos() == 0 ? 0 : (overload.ok200() + overload.noFill204()) * 1e9 / overload.elapsedNanos(),
                overload.timedOut(), overload.unsent(), ratio, probe.latencies.getTotalCount() + probe.failures, probe.failures,
                probe.latencies.getValueAtPercentile(99) / 1e6, probe.latencies.getMaxValue() / 1e6);
        System.out.print(figures);
        if (out != null) {
            capacity.write(out);
            normal.write(out);
            overload.write(out);
            Files.writeString(out.resolve(label + ".properties"), figures);
        }
        return 0;
    }

    private LoadSettings settings(InetSocketAddress target, List<byte[]> bodies, LoadMode mode, double ratePerSecond, double seconds,
                                  int connectionCount) {
        return new LoadSettings(target, "/v1/ads", bodies, connectionCount, threads, mode, ratePerSecond, (long) (seconds * 1e9), 0,
                TimeUnit.SECONDS.toNanos(5));
    }

    /** {@code GET /health} every few milliseconds on one keep-alive connection; reconnects and counts a failure on error. */
    private static final class HealthProbe implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final Histogram latencies = new Histogram(TimeUnit.MINUTES.toNanos(1), 3);
        final InetSocketAddress target;
        final long everyMillis;
        long failures;

        HealthProbe(InetSocketAddress target, long everyMillis) {
            this.target = target;
            this.everyMillis = everyMillis;
        }

        @Override
        public void run() {
            byte[] request = ("GET /health HTTP/1.1\r\nHost: " + target.getHostString() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            Socket socket = null;
            while (!stop.get()) {
                long start = System.nanoTime();
                try {
                    if (socket == null) {
                        socket = new Socket(target.getAddress(), target.getPort());
                        socket.setSoTimeout(5_000);
                        socket.setTcpNoDelay(true);
                    }
                    OutputStream o = socket.getOutputStream();
                    o.write(request);
                    o.flush();
                    int status = readAnswer(new BufferedInputStream(socket.getInputStream(), 1));
                    if (status == 200) {
                        latencies.recordValue(Math.min(System.nanoTime() - start, latencies.getHighestTrackableValue()));
                    } else {
                        failures++;
                    }
                } catch (IOException e) {
                    failures++;
                    socket = close(socket);
                }
                try {
                    Thread.sleep(everyMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            close(socket);
        }

        private static Socket close(Socket socket) {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a broken probe connection; a new one follows
                }
            }
            return null;
        }

        /** Reads one answer with a Content-Length and returns its status. */
        private static int readAnswer(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed");
                }
                head.append((char) b);
            }
            int length = 0;
            for (String line : head.toString().split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            in.readNBytes(length);
            return Integer.parseInt(head.substring(9, 12));
        }
    }
}
