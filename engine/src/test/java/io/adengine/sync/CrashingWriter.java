package io.adengine.sync;

import io.adengine.model.Campaign;
import io.adengine.model.CatalogJson;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The child JVM of {@link CatalogStoreDurabilityTest}: applies campaign renames to a store as fast as it
 * can from two threads and prints {@code ACK id version} after each one is acknowledged, until killed.
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
            long campaignId = t == 0 ? 10 : 20;
            writers[t] = new Thread(() -> {
                try {
                    Campaign base = (Campaign) store.find(ObjectKind.CAMPAIGN, campaignId);
                    for (long version = 2; version < 1_000_000; version++) {
                        Campaign next = new Campaign(base.id(), version, base.accountId(), "name-" + version, base.objective(),
                                base.promotion(), version % 2 == 0);
                        CatalogStore.Outcome o = store.apply(List.of(CatalogStore.Change.put(next)), "crash-test");
                        if (o.status() != CatalogStore.Status.APPLIED) {
                            throw new IllegalStateException(o.toString());
                        }
                        synchronized (out) {
                            out.println("ACK " + campaignId + " " + version);
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
