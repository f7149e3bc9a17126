package io.adengine.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code events:} section: the shipped file loads with its defaults; bad values name their key. */
class EventsConfigTest {

    @TempDir
    Path dir;

    @Test
    void shippedConfigShouldEnableTheJournalWithItsDefaults() throws Exception {
        EngineConfig c = EngineConfig.load(Path.of("..", "config", "engine.yaml"), Map.of());

        assertThat(c.events().enabled()).isTrue();
        assertThat(c.events().journalDir().toString()).endsWith(Path.of("data", "journal").toString());
        assertThat(c.events().ringSize()).isEqualTo(65_536);
        assertThat(c.events().waitStrategy()).isEqualTo(EventsConfig.WaitStrategy.SLEEPING);
        assertThat(c.events().fullRingPolicy()).isEqualTo(EventsConfig.FullRingPolicy.SHED);
        assertThat(c.events().pacing()).isEqualTo(EventsConfig.Pacing.EVEN);
        assertThat(c.events().kafkaEnabled()).isFalse();
    }

    @Test
    void loadShouldNameTheKeyWhenAnEventsValueIsWrong() throws Exception {
        String base = Files.readString(Path.of("..", "config", "engine.yaml"));
        Files.copy(Path.of("..", "config", "sample-catalog.json"), dir.resolve("sample-catalog.json"));
        for (String[] c : new String[][]{
                {"ringSize: 65536", "ringSize: 1000", "events.ringSize"},
                {"waitStrategy: SLEEPING", "waitStrategy: NAPPING", "events.waitStrategy"},
                {"fullRingPolicy: SHED", "fullRingPolicy: DROP", "events.fullRingPolicy"},
                {"dedupCapacity: 4194304", "dedupCapacity: 3", "events.dedupCapacity"},
                {"pacing: EVEN ", "pacing: LUMPY ", "events.pacing"},
                {"    enabled: false", "    enabled: maybe", "events.kafka.enabled"},
                {"  ringSize: 65536", "  ringSize: 65536\n  colour: blue", "events.colour"}}) {
            Path file = dir.resolve("engine.yaml");
            assertThat(base).contains(c[0]);
            Files.writeString(file, base.replace(c[0], c[1]));
            assertThatThrownBy(() -> EngineConfig.load(file, Map.of())).isInstanceOf(ConfigException.class)
                    .hasMessageContaining(c[2]);
        }
    }
}
