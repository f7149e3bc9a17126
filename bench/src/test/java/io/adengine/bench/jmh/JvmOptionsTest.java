package io.adengine.bench.jmh;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Fork;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** config/jvm.options is the one source of the JVM options; every JMH fork must append exactly them. */
class JvmOptionsTest {

    @Test
    void forkJvmArgsShouldEqualConfigJvmOptionsWhenBenchmarksAreForked() throws IOException {
        List<String> options = Files.readAllLines(jvmOptions()).stream()
                .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();

        for (Class<?> benchmark : List.of(DecisionBenchmark.class, IndexBuildBenchmark.class)) {
            assertThat(List.of(benchmark.getAnnotation(Fork.class).jvmArgsAppend()))
                    .as(benchmark.getSimpleName()).containsExactlyElementsOf(options);
        }
    }

    private static Path jvmOptions() {
        // Surefire runs in the module folder; the options live in the repository root's config/.
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("config/jvm.options");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("config/jvm.options not found above " + Path.of("").toAbsolutePath());
    }
}
