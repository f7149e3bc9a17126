package io.adengine;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's packages depend on one another in one direction only (DESIGN.md: model ← config ← index ←
 * match ← {audience, budget, learn} ← events ← server, with catalog and storage beside them). Read from the
 * sources: every {@code io.adengine.<package>.} reference (imports and fully qualified names) is an edge.
 */
class PackageDependenciesTest {

    private static final Path SOURCES = Path.of("src/main/java/io/adengine");
    private static final Pattern REFERENCE = Pattern.compile("io\\.adengine\\.([a-z]+)\\.");

    static Map<String, Set<String>> graph() throws IOException {
        Map<String, Set<String>> edges = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String from = SOURCES.relativize(file).getName(0).toString();
                Set<String> to = edges.computeIfAbsent(from, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group(1).equals(from)) {
                        to.add(m.group(1));
                    }
                }
            }
        }
        return edges;
    }

    @Test
    void packagesShouldFormNoCycle() throws IOException {
        Map<String, Set<String>> edges = graph();
        assertThat(edges).containsKeys("catalog", "index", "match", "audience", "budget", "events", "server", "config", "model");
        List<String> cycle = findCycle(edges);
        assertThat(cycle).as("package cycle").isEmpty();
    }

    @Test
    void lowerLayersShouldNotReachUp() throws IOException {
        Map<String, Set<String>> edges = graph();
        assertThat(edges.get("model")).isEmpty();
        assertThat(edges.get("storage")).isEmpty();
        assertThat(edges.get("config")).containsOnly("model");
        assertThat(edges.get("index")).doesNotContain("match", "audience", "budget", "events", "server", "catalog");
        assertThat(edges.get("match")).doesNotContain("audience", "budget", "events", "server", "catalog");
        assertThat(edges.get("events")).doesNotContain("server", "catalog", "audience");
        assertThat(edges.get("learn")).doesNotContain("audience", "budget", "events", "server", "catalog", "storage", "cluster");
        assertThat(edges.get("index")).doesNotContain("learn");
        assertThat(edges.get("match")).doesNotContain("learn");
        assertThat(edges.get("catalog")).doesNotContain("server", "events", "match", "budget", "audience", "cluster");
        assertThat(edges.get("cluster")).as("the cluster sits under server, beside events").doesNotContain("server");
        edges.forEach((from, to) -> {
            if (!from.equals("server") && !from.equals("cluster")) {
                assertThat(to).as(from + " depends on cluster").doesNotContain("cluster");
            }
        });
        edges.forEach((from, to) -> {
            if (!from.equals("server")) {
                assertThat(to).as(from + " depends on server").doesNotContain("server");
            }
        });
    }

    @Test
    void onlyTheServerShouldSpeakHttp() throws IOException {
        List<String> speaking = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = SOURCES.relativize(file).getName(0).toString();
                if (!pkg.equals("server") && Files.readString(file).contains("io.netty.handler.codec.http")) {
                    speaking.add(SOURCES.relativize(file).toString());
                }
            }
        }
        assertThat(speaking).isEmpty();
    }

    /** A cycle as the list of packages on it, or empty. */
    static List<String> findCycle(Map<String, Set<String>> edges) {
        Map<String, Integer> state = new TreeMap<>();
        List<String> path = new ArrayList<>();
        for (String start : edges.keySet()) {
            List<String> cycle = visit(start, edges, state, path);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        return List.of();
    }

    private static List<String> visit(String node, Map<String, Set<String>> edges, Map<String, Integer> state, List<String> path) {
        Integer s = state.get(node);
        if (s != null && s == 2) {
            return List.of();
        }
        if (s != null && s == 1) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
            cycle.add(node);
            return cycle;
        }
        state.put(node, 1);
        path.add(node);
        for (String next : edges.getOrDefault(node, Set.of())) {
            List<String> cycle = visit(next, edges, state, path);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        path.remove(path.size() - 1);
        state.put(node, 2);
        return List.of();
    }
}
