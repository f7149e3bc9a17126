package io.adengine.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The bench command line: {@code java -cp bench/target/benchmarks.jar io.adengine.bench.BenchMain <command>}.
 * JMH itself runs from the same jar's default main class.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        subcommands = {WorkloadCommand.class, LoadCommand.class, HelloCommand.class, OverloadCommand.class,
                io.adengine.bench.learn.LearningSimulation.class},
        description = "Workload generator, load generator and baseline server of the ad engine benchmarks.")
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) {
        System.exit(execute(new BenchMain(), args));
    }

    /** Runs a picocli command the way every bench command line does (enum values in any case); its exit status. */
    public static int execute(Object command, String... args) {
        return new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }

    /**
     * The {@code main} of a bench class that is its own command: runs it, and ends the JVM only when it
     * failed, so a successful run returns from {@code main} (and a test may call it) as before.
     */
    public static void runMain(Object command, String... args) {
        int status = execute(command, args);
        if (status != 0) {
            System.exit(status);
        }
    }
}
