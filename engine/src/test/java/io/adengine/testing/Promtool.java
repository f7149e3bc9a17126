package io.adengine.testing;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Prometheus's own check of an exposition: {@code promtool check metrics} (format errors and lint
 * problems, e.g. a counter without {@code _total}, a histogram without a base unit). When {@code promtool}
 * is not on the PATH the calling test is skipped, saying so; {@code apt-get install prometheus} (Debian)
 * provides it, and {@code .ci/run} installs it when it can.
 */
public final class Promtool {

    private Promtool() {
    }

    /** Fails unless promtool accepts {@code exposition} without a problem; skips the test without promtool. */
    public static void assertAccepts(String exposition) throws IOException, InterruptedException {
        Optional<Path> promtool = onPath();
        assumeTrue(promtool.isPresent(),
                "promtool is not on the PATH, so the exposition is not checked by Prometheus's own linter (apt-get install prometheus)");
        Process p = new ProcessBuilder(promtool.get().toString(), "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // A guard against a hung child, not a timing assertion: promtool answers in milliseconds.
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("promtool finished").isTrue();
        assertThat(p.exitValue()).as("promtool check metrics exit status; it said:%n%s", said).isZero();
        assertThat(said.strip()).as("promtool check metrics output").isEmpty();
    }

    private static Optional<Path> onPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "promtool");
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
