package io.adengine.bench.jmh;

import io.adengine.bench.workload.CatalogGenerator;
import io.adengine.bench.workload.EngineYaml;
import io.adengine.bench.workload.WorkloadSize;
import io.adengine.config.EngineConfig;
import io.adengine.index.Snapshot;
import io.adengine.index.SnapshotBuilder;
import io.adengine.model.Catalog;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Snapshot (index) build time for a whole generated catalog: what a full catalog reload costs off the
 * serving thread. The fork appends config/jvm.options (JvmOptionsTest keeps the list equal to that file).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {
        "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
        "-Dchronicle.analytics.disable=true",
        "-XX:+UseShenandoahGC"})
public class IndexBuildBenchmark {

    @Param({"M"})
    public WorkloadSize size;

    @Param({"1"})
    public long seed;

    private Catalog catalog;
    private SnapshotBuilder builder;

    @Setup
    public void setUp() {
        catalog = new CatalogGenerator(size, seed).generate();
        EngineConfig.AuctionConfig auction = EngineYaml.auction();
        builder = new SnapshotBuilder(auction);
    }

    @Benchmark
    public Snapshot build() {
        return builder.build(catalog);
    }
}
