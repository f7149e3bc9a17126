package io.adengine.loader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ValidateCatalogCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new LoaderMain());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void sampleCatalogShouldValidateAndReportBlockedGroups() {
        int code = run("validate-catalog", "../config/sample-catalog.json");

        assertThat(code).isEqualTo(0);
        assertThat(out.toString()).contains("8 ad groups (6 can serve)")
                .contains("1 ad group(s) cannot serve: the ad group is not approved")
                .contains("1 ad group(s) cannot serve: the account is not approved");
    }

    @Test
    void badFieldShouldFailNamingThePath(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.json");
        String sample = Files.readString(Path.of("../config/sample-catalog.json"));
        Files.writeString(file, sample.replaceFirst("\"amountMicros\": 300000", "\"amountMicros\": \"cheap\""));

        int code = run("validate-catalog", file.toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("adGroups[0].bid.amountMicros: must be an integer");
    }

    @Test
    void malformedJsonShouldFailWithLineAndColumn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.json");
        Files.writeString(file, "{\n  \"version\": 1,\n  \"accounts\": [\n");

        assertThat(run("validate-catalog", file.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("malformed JSON at line");
    }
}
