package io.adengine.server;

import io.adengine.catalog.CatalogJson;
import io.adengine.config.EdgeConfig;
import io.adengine.config.EngineConfig;
import io.adengine.config.EventsConfig;
import io.adengine.match.BudgetGate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A test engine with every optional subsystem on (event pipeline and trackers, control-plane sync, audience
 * store), in a temporary folder, serving the sample catalog at a pinned instant: so that every route a
 * hostile client can reach exists. Events are journaled without fsync (tests only).
 */
final class FullEngine implements AutoCloseable {

    static final Path CONFIG_DIR = Path.of("..", "config");
    static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();

    final Engine engine;
    final EngineConfig config;

    private FullEngine(Engine engine, EngineConfig config) {
        this.engine = engine;
        this.config = config;
    }

    static FullEngine start(Path dir, EdgeConfig edge) throws Exception {
        EngineConfig config = EngineConfig.defaults(CONFIG_DIR.resolve("sample-catalog.json"))
                .withEvents(EventsConfig.inDirectory(dir.resolve("journal")).withFsync(EventsConfig.Fsync.NONE)
                        .withPacing(EventsConfig.Pacing.ASAP))
                .withSync(new EngineConfig.SyncConfig(dir.resolve("catalog"), CONFIG_DIR, 10, 1_000, 2))
                .withAudiences(EngineConfig.AudienceConfig.at(dir.resolve("audiences"), 100_000))
                .withEdge(edge);
        Engine engine = Engine.start(config, CatalogJson.read(config.catalogPath()), () -> NOW, () -> 42L, BudgetGate.UNLIMITED);
        return new FullEngine(engine, config);
    }

    static FullEngine start(Path dir) throws Exception {
        return start(dir, EngineConfig.EDGE_FOR_TESTS);
    }

    RawHttp.Answer pub(String method, String target, String body) throws IOException {
        return RawHttp.send(engine.publicPort(), method, target, "", body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    RawHttp.Answer admin(String method, String target, String body) throws IOException {
        return RawHttp.send(engine.adminPort(), method, target, "Authorization: Bearer " + config.adminToken() + "\r\n",
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        engine.close();
    }
}
