package io.adengine.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AudienceConfigTest {

    @TempDir
    Path dir;

    private static final String BASE = "admin: {token: change-me-admin-token}\ncatalog: {path: c.json}\ntrackers: {hmacKey: change-me-tracker-signing-key}\n";

    @Test
    void loadShouldResolveTheStoreBesideTheFileWhenTheSampleConfigNamesOne() throws Exception {
        EngineConfig config = EngineConfig.load(Path.of("..", "config", "engine.yaml"), Map.of());
        assertThat(config.audiences().dir()).isEqualTo(Path.of("..", "engine", "data", "audiences").toAbsolutePath().normalize());
        assertThat(config.audiences().maxUsers()).isEqualTo(20_000_000L);
        assertThat(config.audiences().requestsPerActiveUserPerDay()).isEqualTo(20);
        assertThat(config.audiences().reachMinObservedUsers()).isEqualTo(1_000);
    }

    @Test
    void loadShouldHaveNoUserDataWhenTheSectionIsAbsent() throws Exception {
        Path file = Files.writeString(dir.resolve("e.yaml"), BASE);
        assertThat(EngineConfig.load(file, Map.of()).audiences().dir()).isNull();
    }

    @Test
    void loadShouldNameTheKeyWhenAnAudienceSettingIsOutOfRange() throws Exception {
        Path file = Files.writeString(dir.resolve("e.yaml"), BASE + "audiences: {dir: store, dailyActivePercent: 0}\n");
        assertThatThrownBy(() -> EngineConfig.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("audiences.dailyActivePercent");
    }

    @Test
    void loadShouldNameTheKeyWhenTheObservedTrafficThresholdIsNotPositive() throws Exception {
        Path ok = Files.writeString(dir.resolve("ok.yaml"), BASE + "audiences: {dir: store, reachMinObservedUsers: 50}\n");
        assertThat(EngineConfig.load(ok, Map.of()).audiences().reachMinObservedUsers()).isEqualTo(50);
        Path file = Files.writeString(dir.resolve("e.yaml"), BASE + "audiences: {dir: store, reachMinObservedUsers: 0}\n");
        assertThatThrownBy(() -> EngineConfig.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("audiences.reachMinObservedUsers");
    }
}
