package io.adengine.loader;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar loader/target/loader.jar <command>}: the control-plane tools. Each subcommand is one
 * class; add new ones to {@code subcommands} below.
 */
@Command(name = "loader", mixinStandardHelpOptions = true, version = "loader 0.1",
        description = "Control-plane tools for the ad engine.",
        subcommands = {ValidateCatalogCommand.class, ValidateExportCommand.class, SyncExportCommand.class, ImportAudienceCommand.class})
public final class LoaderMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return new CommandLine(new LoaderMain()).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }
}
