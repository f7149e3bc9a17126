package io.adengine.audience;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AudienceUploadTest {

    /** Distinct random GAIDs in canonical lower-case form. */
    static List<String> gaids(int n, long seed) {
        Random r = new Random(seed);
        Set<String> seen = new HashSet<>();
        List<String> out = new ArrayList<>();
        while (out.size() < n) {
            String g = String.format("%08x-%04x-%04x-%04x-%012x", r.nextInt(), r.nextInt(0x10000), r.nextInt(0x10000),
                    r.nextInt(0x10000), r.nextLong() & 0xFFFFFFFFFFFFL);
            if (seen.add(g)) {
                out.add(g);
            }
        }
        return out;
    }

    private static AudienceUpload.Parsed parse(AudienceUpload.KeyType type, byte[] file, int chunk) throws AudienceFileException {
        AudienceUpload upload = new AudienceUpload(type);
        for (int i = 0; i < file.length; i += chunk) {
            if (!upload.accept(file, i, Math.min(chunk, file.length - i))) {
                break;
            }
        }
        return upload.finish();
    }

    private static Set<String> keys(AudienceUpload.Parsed p) {
        Set<String> s = new HashSet<>();
        for (byte[] k : p.keys()) {
            s.add(GaidKey.hex(k));
        }
        return s;
    }

    @Test
    void finishShouldGiveTheSameKeysWhenRawAndMd5FilesListTheSamePeopleInAnyFormatting() throws Exception {
        List<String> people = gaids(1_500, 1);
        StringBuilder raw = new StringBuilder("\uFEFF");
        StringBuilder md5 = new StringBuilder();
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < people.size(); i++) {
            String g = people.get(i);
            expected.add(Md5Oracle.md5Hex(g));
            raw.append(i % 3 == 0 ? g.toUpperCase() : g).append(i % 2 == 0 ? "\r\n" : "\n");
            if (i % 100 == 0) {
                raw.append("\r\n  \n").append(g).append('\n');
            }
            md5.append(i % 5 == 0 ? "  " + Md5Oracle.md5Hex(g).toUpperCase() + " " : Md5Oracle.md5Hex(g)).append("\r\n");
        }
        raw.append(people.get(0));

        AudienceUpload.Parsed fromRaw = parse(AudienceUpload.KeyType.GAID, raw.toString().getBytes(StandardCharsets.UTF_8), 7);
        AudienceUpload.Parsed fromMd5 = parse(AudienceUpload.KeyType.MD5, md5.toString().getBytes(StandardCharsets.UTF_8), 4096);

        assertThat(keys(fromRaw)).isEqualTo(expected).isEqualTo(keys(fromMd5));
        assertThat(fromRaw.duplicates()).isEqualTo(16);
        assertThat(fromRaw.invalid()).isZero();
    }

    @Test
    void finishShouldCountAndReportInvalidLinesByNumberWhenAMinorityIsInvalid() throws Exception {
        List<String> people = gaids(1_200, 2);
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < people.size(); i++) {
            file.append(i % 100 == 1 ? "not-a-gaid-" + i : people.get(i)).append('\n');
        }
        AudienceUpload.Parsed p = parse(AudienceUpload.KeyType.GAID, file.toString().getBytes(StandardCharsets.UTF_8), 1000);
        assertThat(p.invalid()).isEqualTo(12);
        assertThat(p.valid()).isEqualTo(1_188);
        assertThat(p.firstInvalid()).hasSize(AudienceUpload.REPORTED_INVALID)
                .first().isEqualTo("line 2: not a GAID (8-4-4-4-12 hex)");
        assertThat(String.join(" ", p.firstInvalid())).doesNotContain("not-a-gaid");
    }

    @Test
    void finishShouldRejectWithTheCountWhenFewerThanAThousandDistinctEntries() {
        String file = String.join("\n", gaids(999, 3)) + "\n" + gaids(999, 3).get(0);
        assertThatThrownBy(() -> parse(AudienceUpload.KeyType.GAID, file.getBytes(StandardCharsets.UTF_8), 512))
                .isInstanceOf(AudienceFileException.class)
                .hasMessage("the file has 999 distinct valid entries; an audience needs at least 1000");
    }

    @Test
    void acceptShouldRejectWithTheLimitWhenTheFileIsLargerThan64Mb() {
        AudienceUpload upload = new AudienceUpload(AudienceUpload.KeyType.GAID);
        byte[] lines = (String.join("\n", gaids(1_000, 4)) + "\n").getBytes(StandardCharsets.UTF_8);
        long sent = 0;
        boolean open = true;
        while (open && sent <= AudienceUpload.MAX_BYTES + lines.length) {
            open = upload.accept(lines, 0, lines.length);
            sent += lines.length;
        }
        assertThat(open).isFalse();
        assertThatThrownBy(upload::finish).hasMessage("the file is larger than the limit of 67108864 bytes (64 MB)");
    }

    @Test
    void acceptShouldRejectAsNotTextWhenTheFileHasBinaryBytes() {
        byte[] file = (String.join("\n", gaids(1_100, 5)) + "\n").getBytes(StandardCharsets.UTF_8);
        file[40] = 0;
        assertThatThrownBy(() -> parse(AudienceUpload.KeyType.GAID, file, 100))
                .hasMessage("the file is not text: control byte 0x0 on line 2; upload a text file with one GAID (8-4-4-4-12 hex) per line");
    }

    @Test
    void finishShouldRejectAsMostlyInvalidWhenMoreLinesAreInvalidThanValid() {
        StringBuilder file = new StringBuilder();
        List<String> people = gaids(1_000, 6);
        for (String g : people) {
            file.append(g).append('\n').append(g.replace('-', '_')).append('\n').append("x").append('\n');
        }
        assertThatThrownBy(() -> parse(AudienceUpload.KeyType.GAID, file.toString().getBytes(StandardCharsets.UTF_8), 333))
                .hasMessageStartingWith("the file is mostly invalid: 2000 of 3000 non-blank lines are not a GAID (8-4-4-4-12 hex) (line 2: ");
    }

    @Test
    void finishShouldRejectAsMostlyInvalidWhenRawGaidsAreUploadedAsMd5() {
        byte[] file = (String.join("\n", gaids(1_100, 7)) + "\n").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> parse(AudienceUpload.KeyType.MD5, file, 4096))
                .hasMessageStartingWith("the file is mostly invalid: 1100 of 1100 non-blank lines are not a GAID MD5 (32 hex digits) (line 1: ");
    }

    @Test
    void finishShouldRejectAnEmptyFileAsTooSmall() {
        assertThatThrownBy(() -> parse(AudienceUpload.KeyType.GAID, new byte[0], 1))
                .hasMessage("the file has 0 distinct valid entries; an audience needs at least 1000");
    }
}
