package io.adengine.loader;

import io.adengine.audience.AudienceFileException;
import io.adengine.audience.AudienceStore;
import io.adengine.audience.AudienceUpload;
import io.adengine.config.EngineConfig;
import org.roaringbitmap.RoaringBitmap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code loader import-audience --store DIR --id ID --type gaid|md5 FILE}: checks an audience file, maps
 * its users to ids in the store's dictionary (assigning ids to new users) and writes the audience bitmap.
 * Exit code 0 with the import report, or 1 with the reason the file was rejected. Do not run it against
 * a store an engine has open (use the engine's admin upload then): the dictionary has one writer at a time.
 */
@Command(name = "import-audience", mixinStandardHelpOptions = true,
        description = "Import a file of raw GAIDs or GAID MD5s (one per line) as an audience.")
final class ImportAudienceCommand implements Callable<Integer> {

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "audience store folder (audiences.dir of engine.yaml)")
    Path store;

    @Option(names = "--id", required = true, paramLabel = "ID", description = "audience id (positive integer)")
    long id;

    @Option(names = "--type", required = true, paramLabel = "gaid|md5", description = "gaid: raw GAIDs; md5: MD5 hex of the lower-case GAID")
    String type;

    @Option(names = "--max-users", paramLabel = "N", description = "dictionary capacity when the store is created (default ${DEFAULT-VALUE})")
    long maxUsers = EngineConfig.AudienceConfig.MAX_USERS_DEFAULT;

    @Parameters(index = "0", paramLabel = "FILE", description = "the audience file")
    Path file;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String t = type.toLowerCase(Locale.ROOT);
        if (!t.equals("gaid") && !t.equals("md5")) {
            err.println("--type must be gaid or md5");
            return 1;
        }
        if (id <= 0) {
            err.println("--id must be a positive integer");
            return 1;
        }
        if (!Files.isRegularFile(file)) {
            err.println(file + ": no such file");
            return 1;
        }
        AudienceUpload upload = new AudienceUpload(t.equals("gaid") ? AudienceUpload.KeyType.GAID : AudienceUpload.KeyType.MD5);
        long started = System.nanoTime();
        AudienceUpload.Parsed parsed;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0 && upload.accept(buf, 0, n)) {
                // accept() returns false once the file is rejected; finish() then says why.
            }
            parsed = upload.finish();
        } catch (AudienceFileException e) {
            err.println(file + ": rejected: " + e.getMessage());
            err.flush();
            return 1;
        } catch (IOException e) {
            err.println(file + ": cannot read: " + e.getMessage());
            return 1;
        }
        long parsedNanos = System.nanoTime() - started;
        try (AudienceStore s = AudienceStore.open(store, maxUsers)) {
            // Opening the store (Chronicle's one-time setup) is not part of the import rate.
            started = System.nanoTime() - parsedNanos;
            AudienceStore.Imported imported = s.importKeys(parsed);
            RoaringBitmap users = imported.users();
            s.save(id, users);
            s.saveMatch(id, imported.matched(), imported.created());
            long millis = Math.max(1, (System.nanoTime() - started) / 1_000_000);
            out.printf("audience %d: %d users from %d lines (%d valid, %d duplicates, %d invalid) in %d ms (%d GAIDs/s); dictionary holds %d users%n",
                    id, users.getLongCardinality(), parsed.lines(), parsed.valid(), parsed.duplicates(), parsed.invalid(), millis,
                    parsed.valid() * 1000 / millis, s.dictionary().size());
            out.printf("  matched %d known users, %d new (%.1f %% matched)%n", imported.matched(), imported.created(), imported.matchedPercent());
            parsed.firstInvalid().forEach(line -> out.println("  invalid " + line));
        } catch (IOException e) {
            err.println(store + ": cannot write the audience store: " + e.getMessage());
            return 1;
        }
        out.flush();
        return 0;
    }
}
