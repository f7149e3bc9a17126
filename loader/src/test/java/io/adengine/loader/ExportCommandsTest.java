package io.adengine.loader;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.adengine.config.EngineConfig;
import io.adengine.match.BudgetGate;
import io.adengine.model.Catalog;
import io.adengine.catalog.CatalogJson;
import io.adengine.server.Engine;
import io.adengine.catalog.ObjectKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code loader validate DIR} and {@code loader sync DIR} against an export made from the sample catalog. */
class ExportCommandsTest {

    private static final Path CONFIG_DIR = Path.of("..", "config");
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path tmp;

    private int run(String... args) {
        CommandLine cli = new CommandLine(new LoaderMain());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    private static void writeKind(Path dir, ObjectKind kind, Collection<?> objects) throws Exception {
        List<String> lines = new ArrayList<>();
        objects.forEach(o -> lines.add(ObjectKind.toJson(o).toString()));
        Files.write(dir.resolve(kind.pathName() + ".jsonl"), lines);
    }

    private static Path exportOf(Catalog c, Path dir) throws Exception {
        Files.createDirectories(dir);
        writeKind(dir, ObjectKind.ACCOUNT, c.accounts());
        writeKind(dir, ObjectKind.CAMPAIGN, c.campaigns());
        writeKind(dir, ObjectKind.AD_GROUP, c.adGroups());
        writeKind(dir, ObjectKind.CREATIVE, c.creatives());
        writeKind(dir, ObjectKind.AD_SPACE, c.adSpaces());
        return dir;
    }

    @Test
    void validateShouldAcceptTheSampleExportAndReportFileLineAndFieldOfEachProblem() throws Exception {
        Path export = exportOf(CatalogJson.read(CONFIG_DIR.resolve("sample-catalog.json")), tmp.resolve("export"));
        assertThat(run("validate", export.toString(), "--rules", CONFIG_DIR.toString())).as(err.toString()).isZero();

        List<String> campaigns = Files.readAllLines(export.resolve("campaigns.jsonl"));
        campaigns.set(1, campaigns.get(1).replace("\"accountId\":1", "\"accountId\":99"));
        campaigns.add("{\"id\": \"x\"}");
        Files.write(export.resolve("campaigns.jsonl"), campaigns);

        assertThat(run("validate", export.toString(), "--rules", CONFIG_DIR.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("campaigns.jsonl:2: accountId: no account with id 99")
                .contains("campaigns.jsonl:" + campaigns.size() + ": id: must be an integer");
    }

    @Test
    void syncShouldSendOnlyWhatChangedAndBeRepeatable() throws Exception {
        Catalog sample = CatalogJson.read(CONFIG_DIR.resolve("sample-catalog.json"));
        EngineConfig config = EngineConfig.defaults(CONFIG_DIR.resolve("sample-catalog.json"))
                .withSync(new EngineConfig.SyncConfig(tmp.resolve("data"), CONFIG_DIR, 10, 1_000, 2));
        try (Engine engine = Engine.start(config, sample, System::currentTimeMillis, () -> 1L, BudgetGate.UNLIMITED)) {
            Path export = exportOf(sample, tmp.resolve("export"));
            List<String> campaigns = Files.readAllLines(export.resolve("campaigns.jsonl"));
            campaigns.set(0, campaigns.get(0).replace("\"version\":1", "\"version\":2").replace("Puzzle installs", "Renamed"));
            Files.write(export.resolve("campaigns.jsonl"), campaigns);
            List<String> creatives = Files.readAllLines(export.resolve("creatives.jsonl"));
            creatives.remove(creatives.size() - 1);
            Files.write(export.resolve("creatives.jsonl"), creatives);
            String url = "http://127.0.0.1:" + engine.adminPort();

            int code = run("sync", export.toString(), "--url", url, "--token", config.adminToken(), "--rules", CONFIG_DIR.toString());

            assertThat(code).as(err.toString()).isZero();
            assertThat(out.toString()).contains("1 sent").contains("1 deleted").contains("0 refused");
            assertThat(((io.adengine.model.Campaign) engine.sync().orElseThrow().store().find(ObjectKind.CAMPAIGN, 10)).name()).isEqualTo("Renamed");
            assertThat(engine.sync().orElseThrow().store().find(ObjectKind.CREATIVE, 3000)).isNull();

            out.getBuffer().setLength(0);
            assertThat(run("sync", export.toString(), "--url", url, "--token", config.adminToken(), "--rules", CONFIG_DIR.toString())).isZero();
            assertThat(out.toString()).contains("0 sent").contains("0 deleted");
        }
    }
}
