package io.adengine.audience;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class UserDictionaryTest {

    @TempDir
    Path dir;

    @Test
    void idOfShouldReturnTheSameDenseIdAfterReopeningWhenTheFileIsPersisted() throws Exception {
        GaidKey keys = new GaidKey();
        byte[] a = new byte[16];
        byte[] b = new byte[16];
        keys.ofGaid("38400000-8cf0-11bd-b23e-10b96e40000d", a);
        keys.ofGaid("  38400000-8CF0-11BD-B23E-10B96E40000E\r", b);
        Path file = dir.resolve("users.cm");
        try (UserDictionary d = UserDictionary.open(file, 10_000)) {
            assertThat(d.idOrAssign(a)).isZero();
            assertThat(d.idOrAssign(b)).isEqualTo(1);
            assertThat(d.idOrAssign(a)).isZero();
        }
        try (UserDictionary d = UserDictionary.open(file, 10_000)) {
            assertThat(d.size()).isEqualTo(2);
            assertThat(d.idOf(a)).isZero();
            assertThat(d.idOf(b)).isEqualTo(1);
            assertThat(d.idOf(new byte[16])).isEqualTo(UserDictionary.UNKNOWN);
            assertThat(d.idOrAssign(new byte[16])).isEqualTo(2);
        }
    }

    @Test
    void idOrAssignShouldPersistNewUsersWhenTheFileWasReleasedAfterOpening() throws Exception {
        GaidKey keys = new GaidKey();
        Path file = dir.resolve("users.cm");
        byte[][] users = new byte[3_000][16];
        for (int i = 0; i < users.length; i++) {
            keys.ofGaid(String.format("38400000-8cf0-11bd-b23e-%012x", i + 1), users[i]);
        }
        try (UserDictionary d = UserDictionary.open(file, 10_000)) {
            for (int i = 0; i < 1_000; i++) {
                assertThat(d.idOrAssign(users[i])).isEqualTo(i);
            }
        }
        try (UserDictionary d = UserDictionary.open(file, 10_000)) {
            d.releaseFile();
            // Reads come from the mirror with the file closed.
            for (int i = 0; i < 1_000; i++) {
                assertThat(d.idOf(users[i])).isEqualTo(i);
            }
            assertThat(d.idOf(users[1_000])).isEqualTo(UserDictionary.UNKNOWN);
            for (int i = 1_000; i < 2_000; i++) {
                assertThat(d.idOrAssign(users[i])).isEqualTo(i);
            }
            d.releaseFile();
            for (int i = 2_000; i < 3_000; i++) {
                assertThat(d.idOrAssign(users[i])).isEqualTo(i);
            }
            assertThat(d.idOrAssign(users[5])).isEqualTo(5);
            assertThat(d.size()).isEqualTo(3_000);
        }
        try (UserDictionary d = UserDictionary.open(file, 10_000)) {
            assertThat(d.size()).isEqualTo(3_000);
            for (int i = 0; i < users.length; i++) {
                assertThat(d.idOf(users[i])).isEqualTo(i);
            }
        }
    }

    @Test
    void ofGaidShouldMatchMd5HexOfTheLowerCaseGaidWhenCaseAndBlanksDiffer() {
        GaidKey keys = new GaidKey();
        byte[] raw = new byte[16];
        byte[] hex = new byte[16];
        assertThat(keys.ofGaid(" 38400000-8CF0-11BD-B23E-10B96E40000D ", raw)).isTrue();
        // md5("38400000-8cf0-11bd-b23e-10b96e40000d"), computed independently with md5sum
        assertThat(GaidKey.ofMd5Hex(Md5Oracle.md5Hex("38400000-8cf0-11bd-b23e-10b96e40000d").toUpperCase(), hex)).isTrue();
        assertThat(raw).isEqualTo(hex);
        assertThat(keys.ofGaid("00000000-0000-0000-0000-000000000000", raw)).isFalse();
        assertThat(keys.ofGaid("38400000x8cf0-11bd-b23e-10b96e40000d", raw)).isFalse();
        assertThat(GaidKey.ofMd5Hex("zz", raw)).isFalse();
    }
}
