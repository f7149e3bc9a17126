package io.adengine.bench.audience;

import io.adengine.audience.AudienceFileException;
import io.adengine.audience.AudienceStore;
import io.adengine.audience.AudienceUpload;
import io.adengine.audience.GaidKey;
import io.adengine.audience.UserData;
import io.adengine.bench.BenchMain;
import org.roaringbitmap.RoaringBitmap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code java @config/jvm.options -cp bench/target/benchmarks.jar io.adengine.bench.audience.AudienceWorkloadMain
 * generate|import|load|profiles DIR [--users USERS]}:
 * <ul>
 *   <li>{@code generate}: builds the store of workload M (dictionary of USERS GAIDs, 1,000 audiences), timing the
 *       dictionary build in GAIDs per second;</li>
 *   <li>{@code import}: writes a file of 1,000,000 raw GAIDs of known users and imports it the way the loader does
 *       (parse, hash, look up, bitmap, save), timing it in GAIDs per second;</li>
 *   <li>{@code load}: opens the store the way the engine does, adds the generated demographics and install
 *       histories of 200 apps (what the engine holds after reading the profile feed), then reports the
 *       resident set (VmRSS) and heap in use;</li>
 *   <li>{@code profiles}: writes DIR/profiles.csv, the profile feed ({@link io.adengine.audience.ProfileFeed}) with the same
 *       demographics and install events, users as GAID MD5 hex, so that an engine started on DIR loads the whole of
 *       the workload's user data exactly as it would in production.</li>
 * </ul>
 */
@Command(name = "AudienceWorkloadMain", mixinStandardHelpOptions = true,
        description = "Builds, imports into, loads or exports the profile feed of the audience store of a workload.")
public final class AudienceWorkloadMain implements Callable<Integer> {

    AudienceWorkloadMain() {
    }

    /** What to do with the store folder. */
    enum Action { GENERATE, IMPORT, LOAD, PROFILES }

    @Parameters(index = "0", paramLabel = "ACTION", description = "generate, import, load or profiles (see the class javadoc)")
    Action action;

    @Parameters(index = "1", paramLabel = "DIR", description = "the audience store folder")
    Path dir;

    @Option(names = "--users", description = "users of the workload (default: ${DEFAULT-VALUE}, workload M)")
    int users = 10_000_000;

    public static void main(String[] args) {
        BenchMain.runMain(new AudienceWorkloadMain(), args);
    }

    @Override
    public Integer call() throws Exception {
        AudienceWorkload w = new AudienceWorkload(42, users, users >= 10_000_000 ? 1_000 : 50, users >= 10_000_000 ? 200 : 20);
        switch (action) {
            case GENERATE -> generate(w, dir);
            case IMPORT -> importFile(w, dir);
            case LOAD -> load(w, dir);
            case PROFILES -> profiles(w, dir);
        }
        return 0;
    }

    private static void generate(AudienceWorkload w, Path dir) throws IOException {
        try (AudienceStore store = AudienceStore.open(dir, (long) (w.users() * 1.1))) {
            GaidKey keys = new GaidKey();
            byte[] key = new byte[16];
            long t0 = System.nanoTime();
            for (int i = store.dictionary().size(); i < w.users(); i++) {
                keys.ofGaid(w.gaid(i), key);
                if (store.dictionary().idOrAssign(key) != i) {
                    throw new IllegalStateException("the store already holds other users; use an empty folder");
                }
            }
            long t1 = System.nanoTime();
            System.out.printf("dictionary: %,d users in %.1f s = %,.0f GAIDs/s (generate GAID text, MD5, insert)%n",
                    w.users(), (t1 - t0) / 1e9, w.users() / ((t1 - t0) / 1e9));
            long members = 0;
            for (int a = 0; a < w.audiences(); a++) {
                RoaringBitmap b = w.audience(a);
                members += b.getLongCardinality();
                store.save(a + 1, b);
            }
            System.out.printf("audiences: %,d with %,d memberships in %.1f s%n", w.audiences(), members, (System.nanoTime() - t1) / 1e9);
        }
    }

    private static void profiles(AudienceWorkload w, Path dir) throws IOException {
        long t0 = System.nanoTime();
        GaidKey keys = new GaidKey();
        byte[] key = new byte[16];
        // Hex of every user's key, computed once: install lines repeat users.
        byte[] hex = new byte[32 * w.users()];
        byte[] digits = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < w.users(); i++) {
            keys.ofGaid(w.gaid(i), key);
            for (int b = 0; b < 16; b++) {
                hex[32 * i + 2 * b] = digits[(key[b] >> 4) & 0xF];
                hex[32 * i + 2 * b + 1] = digits[key[b] & 0xF];
            }
        }
        io.adengine.audience.Demographics demographics = w.demographics();
        String[] dates = new String[AudienceWorkload.TODAY + 1];
        long[] lines = new long[1];
        Path file = dir.resolve(AudienceStore.PROFILES);
        Path tmp = dir.resolve(AudienceStore.PROFILES + ".tmp");
        try (java.io.OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
            out.write("# workload profile feed (AudienceWorkloadMain profiles)\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < w.users(); i++) {
                int g = demographics.gender(i);
                int a = demographics.age(i);
                out.write("profile,".getBytes(StandardCharsets.US_ASCII));
                out.write(hex, 32 * i, 32);
                String rest = "," + (g == io.adengine.audience.Demographics.UNKNOWN ? "U" : g == io.adengine.model.Gender.MALE.ordinal() ? "M" : "F")
                        + "," + (a == io.adengine.audience.Demographics.UNKNOWN ? "" : Integer.toString(a)) + "\n";
                out.write(rest.getBytes(StandardCharsets.US_ASCII));
                lines[0]++;
            }
            for (int k = 0; k < w.apps(); k++) {
                byte[] app = ("," + AudienceWorkload.appName(k) + ",").getBytes(StandardCharsets.US_ASCII);
                w.installEvents(k, n -> { }, (user, day, install) -> {
                    try {
                        out.write(install ? INSTALL : UNINSTALL);
                        out.write(hex, 32 * user, 32);
                        out.write(app);
                        if (dates[day] == null) {
                            dates[day] = java.time.LocalDate.ofEpochDay(day) + "\n";
                        }
                        out.write(dates[day].getBytes(StandardCharsets.US_ASCII));
                        lines[0]++;
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.out.printf("profiles: %,d lines, %,d bytes in %.1f s -> %s%n", lines[0], Files.size(file), (System.nanoTime() - t0) / 1e9, file);
    }

    private static final byte[] INSTALL = "install,".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UNINSTALL = "uninstall,".getBytes(StandardCharsets.US_ASCII);

    private static void importFile(AudienceWorkload w, Path dir) throws IOException, AudienceFileException {
        int n = Math.min(1_000_000, w.users());
        Path file = dir.resolve("import-1m.txt");
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < n; i++) {
                out.write(w.gaid((int) ((i * 7L) % w.users())));
                out.write('\n');
            }
        }
        try (AudienceStore store = AudienceStore.open(dir, (long) (w.users() * 1.1))) {
            for (int run = 1; run <= 3; run++) {
                long t0 = System.nanoTime();
                AudienceUpload upload = new AudienceUpload(AudienceUpload.KeyType.GAID);
                try (InputStream in = Files.newInputStream(file)) {
                    byte[] buf = new byte[64 * 1024];
                    int k;
                    while ((k = in.read(buf)) > 0) {
                        upload.accept(buf, 0, k);
                    }
                }
                AudienceUpload.Parsed parsed = upload.finish();
                long t1 = System.nanoTime();
                RoaringBitmap users = store.toBitmap(parsed);
                store.save(100_000 + run, users);
                long t2 = System.nanoTime();
                System.out.printf("import run %d: %,d GAIDs (%,d bytes): parse+hash %.2f s, lookup+bitmap+save %.2f s, total %,.0f GAIDs/s%n",
                        run, n, Files.size(file), (t1 - t0) / 1e9, (t2 - t1) / 1e9, n / ((t2 - t0) / 1e9));
            }
        }
    }

    private static void load(AudienceWorkload w, Path dir) throws Exception {
        long t0 = System.nanoTime();
        try (AudienceStore store = AudienceStore.open(dir, (long) (w.users() * 1.1))) {
            UserData fromStore = store.load(AudienceWorkload.TODAY);
            // Compacted as the engine's store does when it reads the profile feed.
            Map<String, io.adengine.audience.InstallHistory> installs = new java.util.HashMap<>();
            w.allInstalls().forEach((app, h) -> installs.put(app, h.from(AudienceWorkload.TODAY)));
            UserData data = new UserData(store.dictionary(), fromStore.audiences(), w.demographics(), installs, AudienceWorkload.TODAY);
            fromStore = null;
            long t1 = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(200);
            }
            Runtime rt = Runtime.getRuntime();
            long events = data.histories().values().stream().mapToLong(h -> h.events()).sum();
            System.out.printf("loaded %,d users, %,d audiences, %,d apps (%,d install events) in %.1f s%n", store.dictionary().size(),
                    data.audiences().size(), data.histories().size(), events, (t1 - t0) / 1e9);
            System.out.printf("bitmaps + demographics: %,d bytes; heap used after GC: %,d bytes; dictionary file: %,d bytes%n",
                    data.sizeInBytes(), rt.totalMemory() - rt.freeMemory(), Files.size(dir.resolve(AudienceStore.DICTIONARY)));
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS") || line.startsWith("VmHWM") || line.startsWith("RssFile") || line.startsWith("RssAnon")) {
                    System.out.println(line);
                }
            }
            // Serving touches the dictionary's pages: look up 1,000,000 random users, then measure again.
            GaidKey keys = new GaidKey();
            byte[] key = new byte[16];
            java.util.SplittableRandom r = new java.util.SplittableRandom(5);
            long found = 0;
            long t2 = System.nanoTime();
            for (int i = 0; i < 1_000_000; i++) {
                keys.ofGaid(w.gaid(r.nextInt(w.users())), key);
                found += store.dictionary().idOf(key) >= 0 ? 1 : 0;
            }
            System.out.printf("1,000,000 random lookups (%,d found) in %.2f s%n", found, (System.nanoTime() - t2) / 1e9);
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS") || line.startsWith("RssFile") || line.startsWith("RssAnon")) {
                    System.out.println("after lookups " + line);
                }
            }
            Map<Long, RoaringBitmap> keep = data.audiences();
            System.out.println("audiences held: " + keep.size());
        }
    }
}
