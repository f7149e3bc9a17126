package io.adengine.loader;

import io.adengine.model.AdGroup;
import io.adengine.model.Catalog;
import io.adengine.catalog.CatalogFormatException;
import io.adengine.catalog.CatalogJson;
import io.adengine.model.Eligibility;
import io.adengine.model.NotServedReason;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code loader validate-catalog FILE}: reads a catalog document the way the engine does, and reports
 * the first format error (with its field path, exit code 1) or, for a well-formed catalog, how many ad
 * groups can serve and why the others cannot (exit code 0).
 */
@Command(name = "validate-catalog", mixinStandardHelpOptions = true,
        description = "Check a catalog document and report which ad groups can serve.")
final class ValidateCatalogCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "catalog JSON document")
    Path file;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(file)) {
            err.println(file + ": no such file");
            return 1;
        }
        Catalog catalog;
        try {
            catalog = CatalogJson.read(file);
        } catch (CatalogFormatException e) {
            err.println(file + ": " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println(file + ": cannot read: " + e.getMessage());
            return 1;
        }
        Map<NotServedReason, Integer> blocked = new EnumMap<>(NotServedReason.class);
        int servable = 0;
        for (AdGroup g : catalog.adGroups()) {
            NotServedReason reason = Eligibility.check(catalog, g);
            if (reason == null) {
                servable++;
            } else {
                blocked.merge(reason, 1, Integer::sum);
            }
        }
        out.printf("%s: catalog version %d: %d accounts, %d campaigns, %d ad groups (%d can serve), %d creatives, %d ad spaces%n",
                file, catalog.version(), catalog.accounts().size(), catalog.campaigns().size(), catalog.adGroups().size(), servable,
                catalog.creatives().size(), catalog.adSpaces().size());
        blocked.forEach((reason, count) -> out.printf("  %d ad group(s) cannot serve: %s%n", count, reason.description()));
        out.flush();
        return 0;
    }
}
