package io.adengine.match;

import io.adengine.audience.AudienceTargeting;
import io.adengine.config.EngineConfig;
import io.adengine.index.Snapshot;
import io.adengine.index.SnapshotBuilder;
import io.adengine.model.Catalog;
import io.adengine.model.InstallStateTarget;
import io.adengine.testing.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The user-side bitmap filter against the {@code Set}-based model of {@link RandomUsers}: for every user
 * of a random user set, and for unknown users, the ad groups kept are exactly those whose gender, age,
 * include / exclude audiences and install-state target (all five) the model accepts.
 */
class UserTargetingProperties {

    private static final Set<InstallStateTarget> SEEN_KEPT = EnumSet.noneOf(InstallStateTarget.class);
    private static final Set<InstallStateTarget> SEEN_REMOVED = EnumSet.noneOf(InstallStateTarget.class);

    @Test
    void keptGroupsShouldEqualTheSetModelForEveryUserAndForUnknownUsers() {
        Property.forAll(300, gen -> checkEveryUser(gen.random(), gen.seed()));
    }

    private static void checkEveryUser(Random random, long seed) {
        Catalog catalog = RandomCatalogs.catalog(random);
        Snapshot snapshot = new SnapshotBuilder(EngineConfig.AuctionConfig.defaults()).build(catalog);
        RandomUsers.Users users = RandomUsers.users(random);
        AudienceTargeting targeting = new AudienceTargeting(users.holder());
        AdRequest request = new AdRequest();
        for (int user = -1; user < RandomUsers.USERS; user++) {
            RandomUsers.Facts facts = user < 0 ? null : users.facts()[user];
            request.gaid(user < 0 ? "ffffffff-0000-4000-8000-000000000001" : users.gaid(user, random));
            int resolved = targeting.userOf(request);
            assertThat(resolved).as("user id of the GAID").isEqualTo(user < 0 ? UserTargeting.UNKNOWN_USER : user);

            RoaringBitmap all = new RoaringBitmap();
            all.add(0L, snapshot.size());
            targeting.retainAccepting(snapshot, resolved, all);
            Set<Long> kept = new TreeSet<>();
            all.forEach((int o) -> kept.add(snapshot.group(o).id()));

            Set<Long> expected = new TreeSet<>();
            for (int o = 0; o < snapshot.size(); o++) {
                boolean accepted = RandomUsers.accepts(snapshot.group(o), facts);
                if (accepted) {
                    expected.add(snapshot.group(o).id());
                }
                assertThat(targeting.accepts(snapshot, resolved, o)).as("accepts(ordinal %d), seed %d user %d", o, seed, user)
                        .isEqualTo(accepted);
                if (snapshot.group(o).app() != null) {
                    (accepted ? SEEN_KEPT : SEEN_REMOVED).add(snapshot.group(o).installState());
                }
            }
            assertThat(kept).as("kept groups, seed %d user %d", seed, user).isEqualTo(expected);
        }
    }

    @AfterAll
    static void everyInstallTargetWasExercisedBothWays() {
        if (Property.replaying()) {
            return;
        }
        assertThat(SEEN_KEPT).containsAll(EnumSet.allOf(InstallStateTarget.class));
        assertThat(SEEN_REMOVED).containsAll(EnumSet.complementOf(EnumSet.of(InstallStateTarget.ALL_USERS)));
    }
}
