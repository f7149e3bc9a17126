package io.adengine.catalog;

import io.adengine.config.ConfigException;
import io.adengine.config.EngineConfig;
import io.adengine.model.Catalog;
import io.adengine.server.Engine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The catalog store is the truth: {@code catalog.path} seeds an empty store once and the store writes its first
 * snapshot then; a restart after the file was edited (or removed) serves exactly what the store held, with no
 * operation-log entry; a missing or bad file on the first start is a one-line error naming the key. (Before, the
 * store re-seeded from the file on every start until its first snapshot: objects changed or vanished at the same
 * version.)
 */
class CatalogSeedTest {

    private static final Path CONFIG_DIR = Path.of("..", "config");

    @TempDir
    Path dir;

    private EngineConfig config(Path catalogFile) {
        return EngineConfig.defaults(catalogFile).withSync(new EngineConfig.SyncConfig(dir.resolve("store"), CONFIG_DIR, 10, 1_000, 2));
    }

    private static String export(Catalog c) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CatalogJson.write(c, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aRestartAfterTheCatalogFileWasEditedOrRemovedServesWhatTheStoreHeld() throws Exception {
        Path file = dir.resolve("catalog.json");
        Files.copy(CONFIG_DIR.resolve("sample-catalog.json"), file);
        String seeded;
        long operations;
        try (Engine engine = Engine.start(config(file))) {
            CatalogStore store = engine.sync().orElseThrow().store();
            seeded = export(store.catalog());
            operations = store.operations().lastSeq();
        }
        assertThat(dir.resolve("store").resolve(CatalogSeed.HASH_FILE)).exists();

        // An edit that would drop every ad group and change a bid, at the same version.
        String edited = Files.readString(file).replace("\"amountMicros\": ", "\"amountMicros\": 1");
        Files.writeString(file, edited.replaceFirst("\"adGroups\": \\[", "\"adGroupsGone\": ["));
        try (Engine engine = Engine.start(config(file))) {
            CatalogStore store = engine.sync().orElseThrow().store();
            assertThat(export(store.catalog())).isEqualTo(seeded);
            assertThat(store.operations().lastSeq()).isEqualTo(operations);
        }
        Files.delete(file);
        try (Engine engine = Engine.start(config(file))) {
            assertThat(export(engine.sync().orElseThrow().store().catalog())).isEqualTo(seeded);
        }
    }

    @Test
    void aMissingOrBadFileOnTheFirstStartIsOneErrorNamingTheKey() throws Exception {
        Path missing = dir.resolve("no-such-catalog.json");
        assertThatThrownBy(() -> Engine.start(config(missing)))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("catalog.path: no such file");

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"version\": 1, \"accounts\": [");
        assertThatThrownBy(() -> Engine.start(config(bad)))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("catalog.path: ");
        assertThat(CatalogSeed.storeIsEmpty(dir.resolve("store"))).as("nothing was seeded").isTrue();
    }
}
