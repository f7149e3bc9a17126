package io.adengine.audience;

import io.adengine.config.EngineConfig;
import io.adengine.model.Gender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Live profile uploads ({@link AudienceService#importProfiles}) against a plain model of the feed's
 * meaning: per user the last profile line's gender and age, per (app, user) the list of events, the
 * install state on a day read off the sorted list. Random feeds at start, random uploads (users named by
 * raw GAID in either case or by MD5; mostly live events, sometimes back-dated ones that force a re-read),
 * day changes, refused lines, and a restart onto the same store.
 */
class ProfileUploadModelTest {

    private static final long DAY = 86_400_000L;
    private static final int START = (int) LocalDate.parse("2026-11-28").toEpochDay();
    private static final List<String> APPS = List.of("com.a", "com.b", "com.c");

    @TempDir
    Path dir;

    private record Event(int day, boolean install) {
    }

    /** The model: what the feed lines say, by GAID (lower case). */
    private static final class Model {
        final Map<String, int[]> profiles = new HashMap<>();
        final Map<String, Map<String, List<Event>>> events = new HashMap<>();
        final Set<String> named = new HashSet<>();

        boolean installedNow(String app, String user, int day) {
            Event last = last(app, user, day);
            return last != null && last.install();
        }

        boolean within90(String app, String user, int day) {
            Event last = last(app, user, day);
            return last != null && (last.install() || last.day() >= day - AppInstalls.WINDOW_DAYS);
        }

        boolean ever(String app, String user, int day) {
            return last(app, user, day) != null;
        }

        private Event last(String app, String user, int day) {
            Event last = null;
            for (Event e : events.getOrDefault(app, Map.of()).getOrDefault(user, List.of())) {
                // Latest day wins; on one day an install comes after an uninstall.
                if (e.day() <= day && (last == null || e.day() > last.day() || e.day() == last.day() && e.install())) {
                    last = e;
                }
            }
            return last;
        }
    }

    private static String md5(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /** Random lines for the model, appended to {@code text}; returns the number of lines with a bad value. */
    private static int lines(SplittableRandom r, List<String> users, Model model, StringBuilder text, int n, int today,
                             boolean backDated, boolean bad) throws Exception {
        int refused = 0;
        for (int i = 0; i < n; i++) {
            String user = users.get(r.nextInt(users.size()));
            String named = switch (r.nextInt(3)) {
                case 0 -> user;
                case 1 -> user.toUpperCase(Locale.ROOT);
                default -> md5(user);
            };
            if (bad && r.nextInt(8) == 0) {
                text.append(r.nextBoolean() ? "profile," + named + ",Q,20\n" : "install,1234," + APPS.get(0) + ",2026-11-28\n");
                refused++;
                continue;
            }
            model.named.add(user);
            if (r.nextInt(3) == 0) {
                int g = r.nextInt(3);
                int age = r.nextInt(4) == 0 ? Demographics.UNKNOWN : r.nextInt(90);
                text.append("profile,").append(named).append(',').append("MFU".charAt(g)).append(',')
                        .append(age == Demographics.UNKNOWN ? "" : Integer.toString(age)).append('\n');
                model.profiles.put(user, new int[]{g == 0 ? Gender.MALE.ordinal() : g == 1 ? Gender.FEMALE.ordinal() : Demographics.UNKNOWN, age});
            } else {
                String app = APPS.get(r.nextInt(APPS.size()));
                boolean install = r.nextInt(3) != 0;
                int day = backDated && r.nextInt(3) == 0 ? today - 1 - r.nextInt(200) : today - 1 + r.nextInt(5);
                text.append(install ? "install," : "uninstall,").append(named).append(',').append(app).append(',')
                        .append(LocalDate.ofEpochDay(day)).append('\n');
                model.events.computeIfAbsent(app, a -> new HashMap<>()).computeIfAbsent(user, u -> new ArrayList<>())
                        .add(new Event(day, install));
            }
        }
        return refused;
    }

    private static void assertMatches(UserData data, List<String> users, Model model, String what) {
        GaidKey gaids = new GaidKey();
        byte[] key = new byte[16];
        int day = data.epochDay();
        for (String user : users) {
            assertThat(gaids.ofGaid(user, key)).isTrue();
            int id = data.dictionary().idOf(key);
            if (!model.named.contains(user)) {
                assertThat(id).as(what + ": a user no line named is not in the dictionary").isEqualTo(UserDictionary.UNKNOWN);
                continue;
            }
            assertThat(id).as(what + ": named users are known").isNotEqualTo(UserDictionary.UNKNOWN);
            int[] p = model.profiles.getOrDefault(user, new int[]{Demographics.UNKNOWN, Demographics.UNKNOWN});
            assertThat(data.demographics().gender(id)).as(what + " gender").isEqualTo(p[0]);
            assertThat(data.demographics().age(id)).as(what + " age").isEqualTo(p[1]);
            for (String app : APPS) {
                AppInstalls s = data.installs(app);
                String at = what + " " + app + " day " + day;
                assertThat(s.installedNow().contains(id)).as(at + " installed now").isEqualTo(model.installedNow(app, user, day));
                assertThat(s.installedWithin90Days().contains(id)).as(at + " within 90 days").isEqualTo(model.within90(app, user, day));
                assertThat(s.everInstalled().contains(id)).as(at + " ever").isEqualTo(model.ever(app, user, day));
            }
        }
    }

    private static ProfileUpload.Parsed parse(String text) throws AudienceFileException {
        ProfileUpload upload = new ProfileUpload();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        // In uneven chunks, as the endpoint hands them over.
        for (int at = 0; at < bytes.length && upload.accept(bytes, at, Math.min(7, bytes.length - at)); at += 7) {
            // fed
        }
        return upload.finish();
    }

    @Test
    void uploadsShouldLeaveTheUserDataTheModelSaysWhileServingAndAfterARestart() throws Exception {
        int rereads = 0;
        for (int seed = 0; seed < 6; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            Path store = dir.resolve("store-" + seed);
            Files.createDirectories(store);
            List<String> users = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                users.add(String.format("%08x-%04x-4%03x-8%03x-%012x", r.nextInt(), r.nextInt(0x10000), r.nextInt(0x1000),
                        r.nextInt(0x1000), r.nextLong() & 0xFFFFFFFFFFFFL));
            }
            Model model = new Model();
            if (seed % 2 == 0) {
                StringBuilder feed = new StringBuilder();
                lines(r, users, model, feed, 60, START - 60, true, false);
                Files.writeString(store.resolve(AudienceStore.PROFILES), feed);
            }
            long[] now = {START * DAY + 3_600_000L};
            EngineConfig.AudienceConfig config = EngineConfig.AudienceConfig.at(store, 10_000);
            try (AudienceService service = AudienceService.open(config, () -> now[0])) {
                assertMatches(service.current(), users, model, "seed " + seed + " at start");
                for (int round = 0; round < 6; round++) {
                    if (r.nextInt(3) == 0) {
                        now[0] += (1 + r.nextInt(40)) * DAY;
                        service.recomputeIfNewDay();
                    }
                    Set<String> before = new HashSet<>(model.named);
                    StringBuilder text = new StringBuilder();
                    int today = service.current().epochDay();
                    int refused = lines(r, users, model, text, 1 + r.nextInt(30), today, r.nextInt(4) == 0, true);
                    Set<String> named = new HashSet<>(model.named);
                    named.removeAll(before);
                    ProfileUpload.Parsed parsed;
                    try {
                        parsed = parse(text.toString());
                    } catch (AudienceFileException e) {
                        // Mostly refused lines (or none left): rejected, nothing applied; undo the model's round.
                        assertThat(e.getMessage()).containsAnyOf("mostly invalid", "no profile");
                        model.named.removeAll(named);
                        continue;
                    }
                    String what = "seed " + seed + " round " + round;
                    AudienceService.ProfileImport done = service.importProfiles(parsed);
                    rereads += done.reread() ? 1 : 0;
                    assertThat(done.refused()).as(what).isEqualTo(refused);
                    assertThat(done.created()).as(what + " new users").isEqualTo(named.size());
                    assertThat(done.applied() + done.refused()).isEqualTo(parsed.records() + parsed.refused());
                    assertMatches(service.current(), users, model, what);
                }
            }
            now[0] += r.nextInt(3) * DAY;
            try (AudienceService restarted = AudienceService.open(config, () -> now[0])) {
                assertMatches(restarted.current(), users, model, "seed " + seed + " after the restart");
            }
        }
        assertThat(rereads).as("back-dated events exercise the re-read").isPositive();
    }

    @Test
    void uploadShouldBeRejectedNamingTheLineWhenALineIsNotAFeedRecord() {
        assertThatThrownBy(() -> parse("profile,38400000-8cf0-11bd-b23e-10b96e40000d,F,27\n\ninstall,x\n"))
                .isInstanceOf(AudienceFileException.class)
                .hasMessageStartingWith("line 3: expected 4 comma-separated fields, found 2");
        assertThatThrownBy(() -> parse("\uFEFFdelete,38400000-8cf0-11bd-b23e-10b96e40000d,com.x,2026-11-28\n"))
                .isInstanceOf(AudienceFileException.class)
                .hasMessageStartingWith("line 1: field 1 must be profile, install or uninstall");
        assertThatThrownBy(() -> parse("install,38400000-8cf0-11bd-b23e-10b96e40000d,com." + "x".repeat(600) + ",2026-11-28\n"))
                .isInstanceOf(AudienceFileException.class)
                .hasMessageStartingWith("line 1: longer than 512 bytes");
    }

    @Test
    void uploadShouldBeRejectedWhenLargerThanItsLimit() {
        ProfileUpload upload = new ProfileUpload(60);
        byte[] line = "profile,38400000-8cf0-11bd-b23e-10b96e40000d,F,27\n".getBytes(StandardCharsets.UTF_8);
        assertThat(upload.accept(line, 0, line.length)).isTrue();
        assertThat(upload.accept(line, 0, line.length)).isFalse();
        assertThat(upload.tooLarge()).isTrue();
        assertThatThrownBy(upload::finish).hasMessageContaining("larger than the limit of 60 bytes");
    }
}
