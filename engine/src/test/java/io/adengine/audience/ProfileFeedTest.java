package io.adengine.audience;

import io.adengine.model.Gender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProfileFeedTest {

    @TempDir
    Path dir;

    private static int day(String date) {
        return (int) LocalDate.parse(date).toEpochDay();
    }

    @Test
    void readShouldGiveDemographicsAndInstallStateThatMovesWithTheDayWhenGivenTheSampleFeed() throws Exception {
        try (UserDictionary users = UserDictionary.inMemory(1_000)) {
            ProfileFeed.Contents feed = ProfileFeed.read(Path.of("..", "config", "sample-profiles.csv"), users);
            byte[] key = new byte[16];
            new GaidKey().ofGaid("38400000-8cf0-11bd-b23e-10b96e40000d", key);
            int d = users.idOf(key);
            new GaidKey().ofGaid("38400000-8cf0-11bd-b23e-10b96e40000e", key);
            int e = users.idOf(key);
            assertThat(feed.demographics().gender(d)).isEqualTo(Gender.FEMALE.ordinal());
            assertThat(feed.demographics().age(d)).isEqualTo(27);
            assertThat(feed.demographics().age(e)).isEqualTo(Demographics.UNKNOWN);

            InstallHistory puzzle = feed.apps().get("com.puzzle.studio");
            AppInstalls nov = puzzle.on(day("2026-11-28"));
            assertThat(nov.installedNow().toArray()).containsExactly(e);
            assertThat(nov.installedWithin90Days().toArray()).containsExactlyInAnyOrder(d, e);
            assertThat(nov.everInstalled().toArray()).containsExactlyInAnyOrder(d, e);
            // 90 days after the uninstall of 2026-10-15 it still counts; 91 days after, it no longer does.
            assertThat(puzzle.on(day("2027-01-13")).installedWithin90Days().contains(d)).isTrue();
            assertThat(puzzle.on(day("2027-01-14")).installedWithin90Days().contains(d)).isFalse();
            // Before the first install nobody had it.
            assertThat(puzzle.on(day("2025-12-01")).everInstalled().isEmpty()).isTrue();
        }
    }

    @Test
    void readShouldRejectTheFeedNamingTheLineWhenAFieldIsBad() throws Exception {
        Path feed = Files.writeString(dir.resolve("profiles.csv"),
                "profile,38400000-8cf0-11bd-b23e-10b96e40000d,F,27\ninstall,38400000-8cf0-11bd-b23e-10b96e40000d,com.x,28/11/2026\n");
        try (UserDictionary users = UserDictionary.inMemory(1_000)) {
            assertThatThrownBy(() -> ProfileFeed.read(feed, users))
                    .isInstanceOf(AudienceFileException.class)
                    .hasMessage("profiles.csv line 2: field 4 must be a date YYYY-MM-DD");
        }
    }
}
