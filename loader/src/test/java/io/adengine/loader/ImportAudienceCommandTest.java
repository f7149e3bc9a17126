package io.adengine.loader;

import io.adengine.audience.AudienceStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ImportAudienceCommandTest {

    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new LoaderMain());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    private static List<String> gaids(int n) {
        Random r = new Random(3);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(String.format("%08x-%04x-%04x-%04x-%012x", r.nextInt(), r.nextInt(0x10000), r.nextInt(0x10000),
                    r.nextInt(0x10000), r.nextLong() & 0xFFFFFFFFFFFFL));
        }
        return out;
    }

    @Test
    void importAudienceShouldWriteTheSameBitmapWhenRawAndMd5FilesNameTheSamePeople() throws Exception {
        List<String> people = gaids(1_200);
        Path raw = Files.writeString(dir.resolve("raw.txt"), String.join("\n", people));
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        List<String> hashes = new ArrayList<>();
        for (String g : people) {
            hashes.add(HexFormat.of().formatHex(md5.digest(g.getBytes(StandardCharsets.UTF_8))));
        }
        Path hashed = Files.writeString(dir.resolve("md5.txt"), String.join("\r\n", hashes));
        Path store = dir.resolve("store");

        assertThat(run("import-audience", "--store", store.toString(), "--id", "5", "--type", "gaid", "--max-users", "10000", raw.toString()))
                .as(err.toString()).isZero();
        assertThat(run("import-audience", "--store", store.toString(), "--id", "6", "--type", "md5", "--max-users", "10000", hashed.toString()))
                .as(err.toString()).isZero();

        assertThat(out.toString()).contains("audience 5: 1200 users from 1200 lines (1200 valid, 0 duplicates, 0 invalid)");
        assertThat(out.toString()).contains("audience 6: 1200 users").contains("dictionary holds 1200 users");
        var audiences = new java.util.HashMap<>(java.util.Map.<Long, org.roaringbitmap.RoaringBitmap>of());
        try (AudienceStore s = AudienceStore.open(store, 10_000)) {
            audiences.putAll(s.readAudiences());
        }
        assertThat(audiences.get(5L)).isEqualTo(audiences.get(6L));
        assertThat(audiences.get(5L).getCardinality()).isEqualTo(1_200);
    }

    @Test
    void importAudienceShouldExitOneWithTheReasonWhenTheFileIsTooSmall() throws Exception {
        Path raw = Files.writeString(dir.resolve("raw.txt"), String.join("\n", gaids(10)) + "\nnope\n");
        int code = run("import-audience", "--store", dir.resolve("store").toString(), "--id", "5", "--type", "gaid", raw.toString());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("raw.txt: rejected: the file has 10 distinct valid entries; an audience needs at least 1000 "
                + "(line 11: not a GAID (8-4-4-4-12 hex))");
        assertThat(Files.exists(dir.resolve("store"))).isFalse();
    }
}
