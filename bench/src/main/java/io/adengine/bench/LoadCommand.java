package io.adengine.bench;

import io.adengine.bench.load.LoadGenerator;
import io.adengine.bench.load.LoadMode;
import io.adengine.bench.load.LoadResult;
import io.adengine.bench.load.LoadSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bench load}: one bounded load run against a loopback HTTP server; writes .hgrm, .png and .properties. */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Closed-loop (maximum throughput) or open-loop (fixed rate, no coordinated omission) HTTP load on loopback.")
public final class LoadCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "loopback host only (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", required = true)
    int port;

    @Option(names = "--path", defaultValue = "/v1/ads")
    String path;

    @Option(names = "--requests", required = true, description = "JSON lines file of request bodies (workload's requests.jsonl)")
    Path requests;

    @Option(names = "--max-bodies", defaultValue = "100000", description = "bodies read from the file (default ${DEFAULT-VALUE})")
    int maxBodies;

    @Option(names = "--connections", defaultValue = "64")
    int connections;

    @Option(names = "--threads", defaultValue = "1", description = "client event loops (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--mode", defaultValue = "CLOSED", description = "CLOSED or OPEN")
    LoadMode mode;

    @Option(names = "--rate", defaultValue = "0", description = "open loop: requests per second")
    double rate;

    @Option(names = "--duration", defaultValue = "10", description = "measured seconds (default ${DEFAULT-VALUE})")
    double duration;

    @Option(names = "--count", defaultValue = "0", description = "at most this many requests (0: duration only)")
    long count;

    @Option(names = "--warmup", defaultValue = "0", description = "seconds of the same load run first and discarded")
    double warmup;

    @Option(names = "--drain", defaultValue = "5", description = "seconds to wait for open answers after the end")
    double drain;

    @Option(names = "--label", defaultValue = "load", description = "file name stem of the outputs")
    String label;

    @Option(names = "--out", description = "folder for LABEL.hgrm, LABEL.png, LABEL.properties")
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
            LoadGenerator.run(settings(target, bodies, warmup, 0), label + "-warmup");
        }
        LoadResult result = LoadGenerator.run(settings(target, bodies, duration, count), label);
        System.out.println(result.summary());
        if (out != null) {
            result.write(out);
        }
        return 0;
    }

    private LoadSettings settings(InetSocketAddress target, List<byte[]> bodies, double seconds, long maxRequests) {
        return new LoadSettings(target, path, bodies, connections, threads, mode, rate, (long) (seconds * 1e9), maxRequests,
                (long) (drain * 1e9));
    }
}
