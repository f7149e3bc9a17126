package io.adengine.server;

import io.adengine.config.ConfigException;
import io.adengine.config.EngineConfig;
import io.adengine.catalog.CatalogFormatException;

import java.nio.file.Files;
import java.nio.file.Path;

/** Starts the engine: {@code java -jar ad-engine.jar [config/engine.yaml]}. */
public final class EngineMain {

    private EngineMain() {
    }

    public static void main(String[] args) throws Exception {
        Path configPath = Path.of(args.length > 0 ? args[0] : "config/engine.yaml");
        if (!Files.isRegularFile(configPath)) {
            System.err.println("no configuration file at " + configPath.toAbsolutePath());
            System.exit(2);
        }
        Engine engine;
        try {
            engine = Engine.start(EngineConfig.load(configPath, System.getenv()));
        } catch (ConfigException | CatalogFormatException e) {
            System.err.println("cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(engine::close, "engine-shutdown"));
        engine.awaitClose();
    }
}
