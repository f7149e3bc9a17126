package io.adengine.loader;

import io.adengine.catalog.CatalogRules;
import io.adengine.catalog.ControlPlaneExport;
import io.adengine.catalog.ObjectKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code loader validate DIR}: checks a control-plane export offline with the engine's own rules
 * ({@link CatalogRules}); prints every problem as {@code file:line: field: message}, exit code 1 when
 * there is any.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a control-plane export (folder of JSON-lines files) with the engine's rules.")
final class ValidateExportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "export folder (accounts.jsonl, campaigns.jsonl, ...)")
    Path dir;

    @Option(names = "--rules", paramLabel = "DIR", defaultValue = "config",
            description = "folder holding creative-formats.yaml and industries.yaml (default: ${DEFAULT-VALUE})")
    Path rulesDir;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ControlPlaneExport export;
        CatalogRules rules;
        try {
            rules = CatalogRules.load(rulesDir);
            export = ControlPlaneExport.read(dir);
        } catch (IOException e) {
            err.println(e.getMessage());
            return 1;
        }
        List<ControlPlaneExport.Located> problems = export.validate(rules);
        problems.forEach(err::println);
        int objects = 0;
        for (ObjectKind k : ControlPlaneExport.CREATE_ORDER) {
            objects += export.entries(k).size();
        }
        out.printf("%s: %d objects, %d problem(s)%n", dir, objects, problems.size());
        out.flush();
        err.flush();
        return problems.isEmpty() ? 0 : 1;
    }
}
