package io.adengine.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adengine.catalog.CatalogJson;
import io.adengine.config.ClusterConfig;
import io.adengine.config.EngineConfig;
import io.adengine.config.EventsConfig;
import io.adengine.match.BudgetGate;
import io.adengine.testing.EmbeddedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three cluster replicas with event pipelines: a tracker of an ad served by one replica, sent to another, is
 * redirected to the one that served it and counted there once (its report), never on the others.
 */
class ClusterTrackerRoutingTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path CONFIG_DIR = FullEngine.CONFIG_DIR;

    @TempDir
    static Path dir;
    private static EmbeddedKafka kafka;
    private static final List<Engine> replicas = new ArrayList<>();
    private static final List<EngineConfig> configs = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        int[] ports = new int[3];
        Map<Integer, String> urls = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            try (ServerSocket s = new ServerSocket(0)) {
                ports[i] = s.getLocalPort();
            }
            urls.put(i + 1, "http://127.0.0.1:" + ports[i]);
        }
        for (int i = 0; i < 3; i++) {
            Path d = dir.resolve("r" + (i + 1));
            EngineConfig config = EngineConfig.defaults(CONFIG_DIR.resolve("sample-catalog.json"))
                    .withPorts(ports[i], 0)
                    .withEvents(EventsConfig.inDirectory(d.resolve("journal")).withFsync(EventsConfig.Fsync.NONE)
                            .withPacing(EventsConfig.Pacing.ASAP))
                    .withSync(new EngineConfig.SyncConfig(d.resolve("catalog"), CONFIG_DIR, 10, 1_000, 2))
                    .withCluster(ClusterConfig.replica(kafka.bootstrap(), i + 1, "routing", "routing-events").withReplicas(urls));
            configs.add(config);
            replicas.add(Engine.start(config, CatalogJson.read(config.catalogPath()), System::currentTimeMillis, () -> 42L, BudgetGate.UNLIMITED));
        }
    }

    @AfterAll
    static void stop() {
        replicas.forEach(Engine::close);
        kafka.close();
    }

    private static RawHttp.Answer pub(int replica, String method, String target, String body) throws IOException {
        return RawHttp.send(replicas.get(replica - 1).publicPort(), method, target, "",
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a tracker to one replica and follows a 307 (as an SDK's HTTP client does) once. */
    private static RawHttp.Answer track(int replica, String target) throws IOException {
        RawHttp.Answer a = pub(replica, "GET", target, null);
        if (a.status() != 307) {
            return a;
        }
        String location = a.header("Location");
        for (int i = 0; i < 3; i++) {
            String base = "http://127.0.0.1:" + replicas.get(i).publicPort();
            if (location.startsWith(base + "/")) {
                assertThat(location.substring(base.length())).isEqualTo(target);
                RawHttp.Answer followed = pub(i + 1, "GET", target, null);
                assertThat(followed.status()).as("the owner answers itself, no second redirect").isNotEqualTo(307);
                return followed;
            }
        }
        throw new AssertionError("redirect to no replica: " + location);
    }

    private static long impressions(int replica) throws IOException {
        RawHttp.Answer r = RawHttp.send(replicas.get(replica - 1).adminPort(), "GET", "/v1/admin/reports?groupBy=campaign&granularity=total",
                "Authorization: Bearer " + configs.get(replica - 1).adminToken() + "\r\n", null);
        assertThat(r.status()).isEqualTo(200);
        long n = 0;
        for (JsonNode row : MAPPER.readTree(r.body()).path("rows")) {
            n += row.path("impressions").asLong();
        }
        return n;
    }

    @Test
    void aTrackerSentToAnotherReplicaShouldBeCountedOnceByTheReplicaThatServed() throws Exception {
        String request = Files.readString(CONFIG_DIR.resolve("sample-request.json"));
        long[] before = {impressions(1), impressions(2), impressions(3)};
        List<String> trackers = new ArrayList<>();
        for (int served = 1; served <= 3; served++) {
            RawHttp.Answer ads = pub(served, "POST", "/v1/ads", request);
            assertThat(ads.status()).isEqualTo(200);
            String url = MAPPER.readTree(ads.body()).path("ads").get(0).path("impressionTrackers").get(0).asText();
            trackers.add(url.substring(url.indexOf("/v1/events/")));
        }
        for (int served = 1; served <= 3; served++) {
            String target = trackers.get(served - 1);
            int other = served % 3 + 1;
            int third = other % 3 + 1;
            RawHttp.Answer direct = pub(other, "GET", target, null);
            assertThat(direct.status()).as("replica %d redirects replica %d's tracker", other, served).isEqualTo(307);
            assertThat(direct.header("Location")).isEqualTo("http://127.0.0.1:" + replicas.get(served - 1).publicPort() + target);
            assertThat(track(other, target).status()).isEqualTo(204);
            assertThat(track(third, target).status()).as("the same event through a third replica").isEqualTo(409);
            assertThat(track(served, target).status()).as("and at its owner").isEqualTo(409);
        }
        // Acknowledged events are journaled; the rollups follow on the next handler.
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline && (impressions(1) - before[0] < 1 || impressions(2) - before[1] < 1 || impressions(3) - before[2] < 1)) {
            Thread.sleep(5);
        }
        for (int r = 1; r <= 3; r++) {
            assertThat(impressions(r) - before[r - 1]).as("impressions counted by replica %d", r).isEqualTo(1);
        }
    }

    @Test
    void aTokenOfAReplicaNotInTheListShouldBeRefusedNotCounted() throws Exception {
        io.adengine.events.TrackerSigner nine = new io.adengine.events.TrackerSigner(configs.get(0).trackers().hmacKey(), 9);
        String token = nine.sign(new io.adengine.events.TrackerSigner.Claims(io.adengine.events.TrackerSigner.Purpose.IMPRESSION,
                "0123456789abcdef0123456789abcdef", 101, 10, 100, 1000, "CPM", 1_000_000, System.currentTimeMillis() / 1000 + 3600, 9));
        RawHttp.Answer a = pub(2, "GET", "/v1/events/imp?t=" + token, null);
        assertThat(a.status()).isEqualTo(421);
        assertThat(a.body()).contains("unknown_owner");
    }
}
