package io.adengine.audience;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upper-case-hashed MD5 audiences: the alias keys checked against the JDK oracle, the matched and new counts
 * of an upload, and aliases surviving a reopen of the store.
 */
class GaidAliasTest {

    @TempDir
    Path dir;

    private static List<String> gaids(int n, long seed) {
        Random r = new Random(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(String.format("%08x-%04x-%04x-%04x-%012x", r.nextInt(), r.nextInt(0x10000), r.nextInt(0x10000),
                    r.nextInt(0x10000), r.nextLong() & 0xFFFFFFFFFFFFL));
        }
        return out;
    }

    @Test
    void ofGaidBothCasesShouldHashTheLowerAndUpperCaseGaidWhateverCaseItArrivesIn() {
        GaidKey keys = new GaidKey();
        byte[] lower = new byte[16];
        byte[] upper = new byte[16];
        byte[] alone = new byte[16];
        for (String g : gaids(200, 3)) {
            for (String given : List.of(g, g.toUpperCase(Locale.ROOT), " " + g + "\r")) {
                assertThat(keys.ofGaidBothCases(given, lower, upper)).isTrue();
                assertThat(GaidKey.hex(lower)).isEqualTo(Md5Oracle.md5Hex(g));
                assertThat(GaidKey.hex(upper)).isEqualTo(Md5Oracle.md5Hex(g.toUpperCase(Locale.ROOT)));
                assertThat(keys.ofGaidUpperCase(given, alone)).isTrue();
                assertThat(alone).isEqualTo(upper);
            }
        }
        assertThat(keys.ofGaidBothCases("00000000-0000-0000-0000-000000000000", lower, upper)).isFalse();
    }

    private static AudienceUpload.Parsed md5Upload(List<String> hexes) throws Exception {
        AudienceUpload u = new AudienceUpload(AudienceUpload.KeyType.MD5, AudienceUpload.MAX_BYTES, 1);
        byte[] body = String.join("\n", hexes).getBytes(StandardCharsets.US_ASCII);
        assertThat(u.accept(body, 0, body.length)).isTrue();
        return u.finish();
    }

    @Test
    void importShouldPutUpperCaseMd5EntriesOnTheUsersTheProfileFeedNamedByRawGaid() throws Exception {
        List<String> known = gaids(300, 5);
        List<String> unseen = gaids(50, 6);
        StringBuilder feed = new StringBuilder();
        for (int i = 0; i < known.size(); i++) {
            // Half the feed writes GAIDs in capitals: the keys must not depend on that.
            String g = i % 2 == 0 ? known.get(i) : known.get(i).toUpperCase(Locale.ROOT);
            feed.append("profile,").append(g).append(",M,30\n");
        }
        Files.writeString(dir.resolve(AudienceStore.PROFILES), feed);
        List<String> upperHashes = new ArrayList<>();
        for (String g : known) {
            upperHashes.add(Md5Oracle.md5Hex(g.toUpperCase(Locale.ROOT)));
        }
        for (String g : unseen) {
            upperHashes.add(Md5Oracle.md5Hex(g.toUpperCase(Locale.ROOT)));
        }
        RoaringBitmap users;
        try (AudienceStore store = AudienceStore.open(dir, 10_000)) {
            store.load(0);
            assertThat(store.dictionary().size()).isEqualTo(known.size());
            assertThat(store.dictionary().aliasCount()).isEqualTo(known.size());
            AudienceStore.Imported imported = store.importKeys(md5Upload(upperHashes));
            assertThat(imported.matched()).isEqualTo(known.size());
            assertThat(imported.created()).isEqualTo(unseen.size());
            assertThat(imported.matchedPercent()).isEqualTo(85.7);
            users = imported.users();

            // The lower-case hashes of the same people are the same users, all matched.
            List<String> lowerHashes = new ArrayList<>();
            for (String g : known) {
                lowerHashes.add(Md5Oracle.md5Hex(g));
            }
            AudienceStore.Imported lower = store.importKeys(md5Upload(lowerHashes));
            assertThat(lower.matched()).isEqualTo(known.size());
            assertThat(lower.created()).isZero();
            assertThat(RoaringBitmap.andNot(lower.users(), users).isEmpty()).isTrue();

            // A wrongly hashed file (MD5 of the GAID with its dashes removed) matches nobody.
            List<String> wrong = new ArrayList<>();
            for (String g : known) {
                wrong.add(Md5Oracle.md5Hex(g.replace("-", "")));
            }
            assertThat(store.importKeys(md5Upload(wrong)).matchedPercent()).isZero();
        }
        try (AudienceStore store = AudienceStore.open(dir, 10_000)) {
            // Aliases are persisted: after a reopen an upper-case upload still lands on the same users.
            AudienceStore.Imported again = store.importKeys(md5Upload(upperHashes));
            assertThat(again.created()).isZero();
            assertThat(again.users()).isEqualTo(users);
            GaidKey keys = new GaidKey();
            byte[] lower = new byte[16];
            for (String g : known) {
                keys.ofGaid(g, lower);
                assertThat(users.contains(store.dictionary().idOf(lower))).isTrue();
            }
        }
    }

    @Test
    void rawGaidSeenAfterAnUpperCaseUploadShouldJoinTheUserTheUploadCreated() throws Exception {
        String g = gaids(1, 9).get(0);
        try (UserDictionary d = UserDictionary.inMemory(1_000)) {
            byte[] upper = new byte[16];
            GaidKey.ofMd5Hex(Md5Oracle.md5Hex(g.toUpperCase(Locale.ROOT)), upper);
            int created = d.idOrAssign(upper);
            byte[] lower = new byte[16];
            byte[] upper2 = new byte[16];
            new GaidKey().ofGaidBothCases(g, lower, upper2);
            assertThat(d.idOrAssignRaw(lower, upper2)).isEqualTo(created);
            assertThat(d.idOf(lower)).isEqualTo(created);
            assertThat(d.size()).isEqualTo(1);
        }
    }

    /** Prints the alias mirror's heap per user (the figure engine/README.md quotes). */
    @Test
    void aliasMirrorShouldTakeAboutTwentyFourBytesPerUser() {
        int n = 1_000_000;
        try (UserDictionary d = UserDictionary.inMemory(n)) {
            Random r = new Random(1);
            byte[] lower = new byte[16];
            byte[] upper = new byte[16];
            for (int i = 0; i < n; i++) {
                r.nextBytes(lower);
                r.nextBytes(upper);
                d.idOrAssignRaw(lower, upper);
            }
            assertThat(d.aliasCount()).isEqualTo(n);
            double perUser = d.aliasMirrorSizeInBytes() / (double) n;
            System.out.printf("alias mirror: %d bytes for %d users = %.1f bytes/user%n", d.aliasMirrorSizeInBytes(), n, perUser);
            // Layout: 16 bytes of key row per user id plus a 4-byte slot at a load of 0.35..0.7.
            assertThat(perUser).isBetween(16.0 + 4 / 0.7, 16.0 * 1.5 + 4 / 0.35);
        }
    }
}
