package io.adengine.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real VAST client run under node: {@code @dailymotion/vast-client} (pinned in {@code src/test/node/package.json}
 * and its lock file) parses a document and plays its linear ad through the client's own tracker
 * ({@code src/test/node/vast-oracle.js}), and this class returns what it printed. Without node on the PATH the
 * calling test is skipped with a message; when node is there but the package is not installed yet, it runs
 * {@code npm ci} once (CI's {@code .ci/run} installs it beforehand).
 */
public final class VastClient {

    private static final Path DIR = Path.of("src", "test", "node");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile boolean installed;

    private VastClient() {
    }

    /** What the client found in {@code document} ({@code mode}: {@code complete} or {@code skip}), and its exit status. */
    public record Result(int exitStatus, JsonNode output, String stderr) {
    }

    /** Parses and plays {@code document}; skips the calling test when node is absent. */
    public static Result run(String document, String mode) throws Exception {
        Assumptions.assumeTrue(onPath("node"), "node is not installed: the VAST client oracle (@dailymotion/vast-client) is skipped; "
                + ".ci/run installs node's package with npm ci");
        install();
        Process p = new ProcessBuilder("node", "vast-oracle.js", mode).directory(DIR.toFile()).start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        p.getOutputStream().write(document.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the VAST client did not finish within 60 s");
        }
        String stdout = new String(out.get(), StandardCharsets.UTF_8);
        String stderr = new String(err.get(), StandardCharsets.UTF_8);
        JsonNode json = stdout.isBlank() ? null : JSON.readTree(stdout);
        return new Result(p.exitValue(), json, stderr);
    }

    private static synchronized void install() throws Exception {
        if (installed || Files.isDirectory(DIR.resolve("node_modules").resolve("@dailymotion").resolve("vast-client"))) {
            installed = true;
            return;
        }
        Assumptions.assumeTrue(onPath("npm"), "npm is not installed: cannot install the VAST client oracle");
        Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(DIR.toFile()).redirectErrorStream(true).start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("npm ci in " + DIR + " did not finish within 300 s");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("npm ci in " + DIR + " failed:\n" + new String(out.get(), StandardCharsets.UTF_8));
        }
        installed = true;
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        List<Path> dirs = new ArrayList<>();
        for (String d : path == null ? new String[0] : path.split(java.io.File.pathSeparator)) {
            if (!d.isEmpty()) {
                dirs.add(Path.of(d));
            }
        }
        return dirs.stream().anyMatch(d -> Files.isExecutable(d.resolve(command)));
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
