package io.adengine.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineConfigTest {

    @Test
    void loadShouldReadTheBundledConfiguration() throws Exception {
        EngineConfig config = EngineConfig.load(Path.of("..", "config", "engine.yaml"), Map.of());

        assertThat(config.publicPort()).isEqualTo(8080);
        assertThat(config.adminPort()).isEqualTo(8081);
        assertThat(config.catalogPath()).endsWith(Path.of("config", "sample-catalog.json"));
        assertThat(config.auction().priors().get(io.adengine.model.PlacementType.FEED).ctrPpm()).isEqualTo(12_000);
    }

    @Test
    void loadShouldTakeSecretsFromTheEnvironment() throws Exception {
        EngineConfig config = EngineConfig.load(Path.of("..", "config", "engine.yaml"),
                Map.of(EngineConfig.ADMIN_TOKEN_ENV, "from-the-environment"));

        assertThat(config.adminToken()).isEqualTo("from-the-environment");
    }

    @Test
    void loadShouldNameTheOffendingKey(@TempDir Path dir) throws Exception {
        String base = Files.readString(Path.of("..", "config", "engine.yaml"));

        assertLoadFails(dir, base.replace("publicPort: 8080", "publicPort: 70000"), "server.publicPort: must be 0..65535");
        assertLoadFails(dir, base.replace("publicPort: 8080", "publicPort: eighty"), "server.publicPort");
        assertLoadFails(dir, base.replace("token: change-me-admin-token", "token: short"), "admin.token");
        assertLoadFails(dir, base.replace("bindAddress: 127.0.0.1", "bindAddress: 127.0.0.1\n  colour: blue"), "server.colour: unknown key");
        assertLoadFails(dir, base.replace("INR: 11800", "INR: 0"), "auction.microsPerUnit.INR");
        assertLoadFails(dir, base.replace("baseUrl: http://127.0.0.1:8080", "baseUrl: ftp://x"), "trackers.baseUrl");
    }

    @Test
    void loadShouldReadTheEdgeLimitsWithTheirDefaults() throws Exception {
        EdgeConfig edge = EngineConfig.load(Path.of("..", "config", "engine.yaml"), Map.of()).edge();

        assertThat(edge).isEqualTo(EdgeConfig.DEFAULTS);
        assertThat(edge.admission().enabled()).isTrue();
        assertThat(edge.userRateLimit().whenExceeded()).isEqualTo(EdgeConfig.WhenExceeded.NO_FILL);
    }

    @Test
    void loadShouldNameTheOffendingEdgeKey(@TempDir Path dir) throws Exception {
        String base = Files.readString(Path.of("..", "config", "engine.yaml"));

        assertLoadFails(dir, base.replace("publicMaxConnections: 10000", "publicMaxConnections: 0"), "server.publicMaxConnections: must be 1..");
        assertLoadFails(dir, base.replace("headerTimeoutMillis: 5000", "headerTimeoutMillis: 1"), "server.headerTimeoutMillis");
        assertLoadFails(dir, base.replace("maxQueueMillis: 5", "maxQueueMillis: -1"), "server.admission.maxQueueMillis");
        assertLoadFails(dir, base.replace("buckets: 1048576", "buckets: 1000000"), "server.userRateLimit.buckets: must be a power of two");
        assertLoadFails(dir, base.replace("whenExceeded: NO_FILL", "whenExceeded: SOMETIMES"), "server.userRateLimit.whenExceeded");
        assertLoadFails(dir, base.replace("    burst: 30", "    burst: 30\n    colour: blue"), "server.userRateLimit.colour: unknown key");
    }

    @Test
    void loadShouldReadAndBoundTheLearningSection(@TempDir Path dir) throws Exception {
        LearningConfig learning = EngineConfig.load(Path.of("..", "config", "engine.yaml"), Map.of()).learning();
        assertThat(learning.enabled()).isTrue();
        assertThat(learning.explorationPermille()).isEqualTo(LearningConfig.EXPLORATION_PERMILLE_DEFAULT);
        assertThat(learning.stateFile().endsWith(Path.of("engine", "data", "learned-rates.bin"))).as("stateFile relative to the config file").isTrue();
        assertThat(EngineConfig.defaults(Path.of("catalog.json")).learning().enabled()).isFalse();

        String base = Files.readString(Path.of("..", "config", "engine.yaml"));
        assertLoadFails(dir, base.replace("explorationPermille: 50", "explorationPermille: 501"), "learning.explorationPermille: must be 0..500");
        assertLoadFails(dir, base.replace("  enabled: true\n  halfLifeMinutes", "  enabled: yes please\n  halfLifeMinutes"), "learning.enabled");
        assertLoadFails(dir, base.replace("halfLifeMinutes: 1440", "halfLifeMinutes: -1"), "learning.halfLifeMinutes");
        assertLoadFails(dir, base.replace("priorClicks: 10", "priorClicks: 0"), "learning.priorClicks");
        assertLoadFails(dir, base.replace("publishIntervalMillis: 10000", "publishIntervalMillis: 10"), "learning.publishIntervalMillis");
        assertLoadFails(dir, base.replace("saveIntervalSeconds: 60", "saveIntervalSeconds: 60\n  colour: blue"), "learning.colour: unknown key");
    }

    @Test
    void theBundledConfigurationShouldRunOneProcessAndACopyWithTheClusterOnShouldReadIt(@TempDir Path dir) throws Exception {
        String base = Files.readString(Path.of("..", "config", "engine.yaml"));
        assertThat(EngineConfig.load(Path.of("..", "config", "engine.yaml"), Map.of()).cluster()).isEqualTo(ClusterConfig.OFF);

        Path file = dir.resolve("engine.yaml");
        Files.writeString(file, base.replace("  enabled: false\n  bootstrapServers: 127.0.0.1:9092\n  replicaId: 1",
                "  enabled: true\n  bootstrapServers: k1:9092,k2:9092\n  replicaId: 7"));
        ClusterConfig c = EngineConfig.load(file, Map.of()).cluster();
        assertThat(c).isEqualTo(new ClusterConfig(true, "k1:9092,k2:9092", 7, "adengine-catalog", "adengine-events", "adengine-", 60_000, 1));
        assertThat(c.groupId("catalog")).isEqualTo("adengine-catalog-7");

        String on = base.replace("  enabled: false\n  bootstrapServers", "  enabled: true\n  bootstrapServers");
        assertLoadFails(dir, on.replace("replicaId: 1 ", "replicaId: 0 "), "cluster.replicaId: must be 1..1023");
        assertLoadFails(dir, on.replace("events: adengine-events ", "events: adengine-catalog "), "cluster.topics.events: must differ");
        assertLoadFails(dir, on.replace("groupPrefix: adengine-", "groupPrefix: adengine-\n  colour: blue"), "cluster.colour: unknown key");
        assertLoadFails(dir, on.replace("  dataDir: ../engine/data/catalog", ""), "catalog.dataDir: is required when cluster.enabled");

        String listed = on.replace("groupPrefix: adengine-", "groupPrefix: adengine-\n  replicas:\n    - {id: 1, publicUrl: \"http://10.0.0.1:8080\"}\n"
                + "    - {id: 2, publicUrl: \"https://r2.example:8443/ads\"}");
        Files.writeString(file, listed);
        assertThat(EngineConfig.load(file, Map.of()).cluster().replicas())
                .isEqualTo(Map.of(1, "http://10.0.0.1:8080", 2, "https://r2.example:8443/ads"));
        assertLoadFails(dir, listed.replace("id: 2,", "id: 1,"), "replica 1 is listed twice");
        assertLoadFails(dir, listed.replace("https://r2.example:8443/ads", "ftp://r2"), "publicUrl of replica 2 must be an http(s) base URL");
        assertLoadFails(dir, listed.replace("{id: 2, publicUrl", "{id: 2, url"), "unknown key");
    }

    private static void assertLoadFails(Path dir, String yaml, String message) throws Exception {
        Path file = dir.resolve("engine.yaml");
        Files.writeString(file, yaml);
        assertThatThrownBy(() -> EngineConfig.load(file, Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining(message);
    }
}
