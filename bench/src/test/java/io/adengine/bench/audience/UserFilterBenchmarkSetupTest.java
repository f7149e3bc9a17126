package io.adengine.bench.audience;

import io.adengine.bench.BenchMain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audience benchmark's setup must measure something: on a small generated store its requests fill,
 * most of its GAIDs are known users, and for nearly every known user the user data changes which ad groups
 * are acceptable (otherwise the "with user data" figure would time a filter that decides nothing).
 */
class UserFilterBenchmarkSetupTest {

    private static final int USERS = 20_000;
    private UserFilterBenchmark benchmark;

    @AfterEach
    void closeStore() {
        if (benchmark != null) {
            benchmark.tearDown();
        }
        System.clearProperty("audience.store");
        System.clearProperty("audience.users");
    }

    @Test
    void setUpShouldProduceFillingRequestsThatTheUserFilterChanges(@TempDir Path dir) throws Exception {
        assertThat(BenchMain.execute(new AudienceWorkloadMain(), "generate", dir.toString(), "--users", Integer.toString(USERS))).isZero();
        System.setProperty("audience.store", dir.toString());
        System.setProperty("audience.users", Integer.toString(USERS));
        benchmark = new UserFilterBenchmark();
        benchmark.candidates = 200;
        benchmark.setUp();

        int filledUnknown = 0;
        int filledKnown = 0;
        for (int i = 0; i < 1_000; i++) {
            filledUnknown += benchmark.decideUnknownUsers().filled() > 0 ? 1 : 0;
            filledKnown += benchmark.decideWithUserData().filled() > 0 ? 1 : 0;
        }
        assertThat(filledUnknown).isGreaterThan(900);
        assertThat(filledKnown).isGreaterThan(900);

        // Known users must see a different set of acceptable ad groups than an unknown user does.
        int knownUsers = 0;
        int changedByUserData = 0;
        for (int i = 0; i < 500; i++) {
            int user = benchmark.targeting.userOf(benchmark.requests[i]);
            if (user < 0) {
                continue;
            }
            knownUsers++;
            for (int o = 0; o < benchmark.snapshot.size(); o++) {
                if (benchmark.targeting.accepts(benchmark.snapshot, user, o) != benchmark.snapshot.acceptingUnknownUser().contains(o)) {
                    changedByUserData++;
                    break;
                }
            }
        }
        assertThat(knownUsers).isGreaterThan(400);
        assertThat(changedByUserData).isGreaterThan(knownUsers * 9 / 10);
    }
}
