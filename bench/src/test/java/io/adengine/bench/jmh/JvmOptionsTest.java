package io.adengine.bench.jmh;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * config/jvm.options is the one source of the JVM options; every JMH fork must append exactly them. Every
 * {@code @Fork} of the bench classes (found by walking the compiled classes, on types and methods) is
 * checked, and every benchmark JMH lists (META-INF/BenchmarkList) must fork with them, so a new benchmark
 * without a {@code @Fork} fails too. A fork may add heap sizes ({@code -Xmx}, {@code -Xms}) for its data.
 */
class JvmOptionsTest {

    @Test
    void everyForkShouldAppendConfigJvmOptionsWhenBenchmarksAreForked() throws Exception {
        List<String> options = configOptions();

        Map<String, List<String>> forks = forksOfBenchClasses();

        assertThat(forks).as("@Fork annotations found in " + classesDir()).isNotEmpty()
                .containsKeys(DecisionBenchmark.class.getName(), IndexBuildBenchmark.class.getName());
        forks.forEach((where, args) -> assertThat(withoutHeapSizes(args)).as(where).containsExactlyElementsOf(options));
    }

    @Test
    void everyListedBenchmarkShouldForkWithConfigJvmOptions() throws Exception {
        List<String> options = configOptions();
        List<BenchmarkListEntry> benchmarks;
        try (InputStream in = Files.newInputStream(classesDir().resolve("META-INF/BenchmarkList"))) {
            benchmarks = BenchmarkList.readBenchmarkList(in);
        }

        assertThat(benchmarks).isNotEmpty();
        Set<String> forkedClasses = new TreeSet<>();
        for (Map.Entry<String, List<String>> fork : forksOfBenchClasses().entrySet()) {
            forkedClasses.add(fork.getKey().replaceAll("#.*", ""));
        }
        for (BenchmarkListEntry b : benchmarks) {
            assertThat(b.getJvmArgsAppend().hasValue()).as("%s has a @Fork with jvmArgsAppend", b.getUsername()).isTrue();
            assertThat(withoutHeapSizes(new ArrayList<>(b.getJvmArgsAppend().get()))).as(b.getUsername())
                    .containsExactlyElementsOf(options);
            assertThat(forkedClasses).as("the class walk found %s", b.getUsername()).contains(b.getUserClassQName());
        }
    }

    /** Every {@code @Fork} on a bench class or method, keyed {@code Class} or {@code Class#method}: its jvmArgsAppend. */
    private static Map<String, List<String>> forksOfBenchClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = classesDir();
        Map<String, List<String>> forks = new TreeMap<>();
        List<Path> classFiles;
        try (Stream<Path> files = Files.walk(root)) {
            classFiles = files.filter(f -> f.toString().endsWith(".class")).toList();
        }
        ClassLoader loader = JvmOptionsTest.class.getClassLoader();
        for (Path file : classFiles) {
            String name = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), ".").replaceAll("\\.class$", "");
            // Not initialized: reading annotations must not run a benchmark's static setup.
            Class<?> type = Class.forName(name, false, loader);
            addFork(forks, type.getName(), type);
            for (Method m : type.getDeclaredMethods()) {
                addFork(forks, type.getName() + "#" + m.getName(), m);
            }
        }
        return forks;
    }

    private static void addFork(Map<String, List<String>> forks, String where, AnnotatedElement element) {
        Fork fork = element.getAnnotation(Fork.class);
        if (fork != null) {
            forks.put(where, List.of(fork.jvmArgsAppend()));
        }
    }

    private static List<String> withoutHeapSizes(List<String> args) {
        return args.stream().filter(a -> !a.startsWith("-Xmx") && !a.startsWith("-Xms")).toList();
    }

    private static Path classesDir() throws URISyntaxException {
        // The folder (bench/target/classes) the benchmark classes were loaded from.
        return Path.of(DecisionBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static List<String> configOptions() throws IOException {
        List<String> options = Files.readAllLines(jvmOptions()).stream()
                .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(options).as("config/jvm.options").isNotEmpty();
        return options;
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
