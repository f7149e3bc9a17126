package io.adengine.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The bench command line: {@code java -cp bench/target/benchmarks.jar io.adengine.bench.BenchMain <command>}.
 * JMH itself runs from the same jar's default main class.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        subcommands = {WorkloadCommand.class, LoadCommand.class, HelloCommand.class, OverloadCommand.class},
        description = "Workload generator, load generator and baseline server of the ad engine benchmarks.")
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }
}
