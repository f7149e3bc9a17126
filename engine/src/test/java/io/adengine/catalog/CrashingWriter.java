package io.adengine.catalog;

import io.adengine.catalog.CatalogJson;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The child JVM of {@link CatalogStoreDurabilityTest}: applies changes to a store as fast as it
 * can from two threads, each creating audiences with consecutive ids, and prints {@code ACK firstId id}
 * after each one is acknowledged, until killed.
 */
public final class CrashingWriter {

    private CrashingWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        Path configDir = Path.of(args[1]);
        CatalogStore store = CatalogStore.open(dataDir, CatalogJson.read(configDir.resolve("sample-catalog.json")),
                CatalogRules.load(configDir), System::currentTimeMillis, 50);
        PrintStream out = System.out;
        Thread[] writers = new Thread[2];
        for (int t = 0; t < writers.length; t++) {
            long firstId = (t + 1) * 1_000_000L;
            writers[t] = new Thread(() -> {
                try {
                    // Each change creates a new object, so that every acknowledged change is visible on its own after restart.
                    for (long id = firstId + 1; id < firstId + 1_000_000; id++) {
                        Audience a = new Audience(id, 1, "audience-" + id, "in", "UPLOADED");
                        CatalogStore.Outcome o = store.apply(List.of(CatalogStore.Change.put(a)), "crash-test");
                        if (o.status() != CatalogStore.Status.APPLIED) {
                            throw new IllegalStateException(o.toString());
                        }
                        synchronized (out) {
                            out.println("ACK " + firstId + " " + id);
                            out.flush();
                        }
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                }
            });
            writers[t].start();
        }
        for (Thread w : writers) {
            w.join();
        }
    }
}
