package io.adengine.bench;

import io.adengine.bench.workload.CatalogGenerator;
import io.adengine.bench.workload.EngineYaml;
import io.adengine.bench.workload.RequestGenerator;
import io.adengine.bench.workload.WorkloadSize;
import io.adengine.model.Catalog;
import io.adengine.catalog.CatalogJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code bench workload}: writes catalog.json, requests.jsonl and engine.yaml of a standard workload. */
@Command(name = "workload", mixinStandardHelpOptions = true,
        description = "Generate a standard workload (catalog, request stream, engine config) deterministically from a seed.")
public final class WorkloadCommand implements Callable<Integer> {

    @Option(names = "--size", required = true, description = "S, M or L (shared/BENCHMARKS.md)")
    WorkloadSize size;

    @Option(names = "--seed", defaultValue = "1", description = "generator seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", required = true, description = "output folder (created if missing)")
    Path out;

    @Option(names = "--requests", defaultValue = "100000", description = "requests to write (default ${DEFAULT-VALUE})")
    int requests;

    @Option(names = "--public-port", defaultValue = "18080", description = "engine public port in engine.yaml (default ${DEFAULT-VALUE})")
    int publicPort;

    @Option(names = "--admin-port", defaultValue = "18081", description = "engine admin port in engine.yaml (default ${DEFAULT-VALUE})")
    int adminPort;

    @Option(names = "--admin-token", defaultValue = "bench-admin-token", description = "admin token in engine.yaml")
    String adminToken;

    @Override
    public Integer call() throws Exception {
        if (requests < 0 || requests > 100_000_000) {
            System.err.println("--requests must be 0..100000000, was " + requests);
            return 2;
        }
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        Catalog catalog = new CatalogGenerator(size, seed).generate();
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out.resolve("catalog.json")), 1 << 16)) {
            CatalogJson.write(catalog, os);
        }
        RequestGenerator generator = new RequestGenerator(size, seed);
        try (BufferedWriter w = Files.newBufferedWriter(out.resolve("requests.jsonl"), StandardCharsets.UTF_8)) {
            for (int i = 0; i < requests; i++) {
                w.write(generator.request(i).toJson());
                w.write('\n');
            }
        }
        Files.writeString(out.resolve("engine.yaml"), EngineYaml.render(publicPort, adminPort, adminToken, "catalog.json"));
        System.out.printf("workload %s seed %d: %d ad groups, %d creatives, %d ad spaces, %d requests -> %s (%d ms)%n",
                size, seed, catalog.adGroups().size(), catalog.creatives().size(), catalog.adSpaces().size(), requests,
                out.toAbsolutePath(), (System.nanoTime() - t0) / 1_000_000);
        return 0;
    }
}
