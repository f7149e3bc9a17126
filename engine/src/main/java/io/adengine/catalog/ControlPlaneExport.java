package io.adengine.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A control-plane export: a folder of JSON-lines files, one per kind ({@code accounts.jsonl},
 * {@code campaigns.jsonl}, {@code ad-groups.jsonl}, {@code creatives.jsonl}, {@code ad-spaces.jsonl},
 * optionally {@code audiences.jsonl}), one object per line in the catalog document's shape. A missing
 * file means no objects of that kind. Reading collects every format error with its file and line.
 */
public final class ControlPlaneExport {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Kinds in the order their objects must be created (parents and referenced objects first). */
    public static final List<ObjectKind> CREATE_ORDER = List.of(ObjectKind.ACCOUNT, ObjectKind.AUDIENCE, ObjectKind.AD_SPACE,
            ObjectKind.CAMPAIGN, ObjectKind.AD_GROUP, ObjectKind.CREATIVE);

    /** One object of the export and where it came from. */
    public record Entry(ObjectKind kind, String file, int line, Object value) {
    }

    /** A problem at a file and line. */
    public record Located(String file, int line, Problem problem) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + problem.field() + ": " + problem.message();
        }
    }

    private final Map<ObjectKind, Map<Long, Entry>> entries;
    private final List<Located> formatErrors;

    private ControlPlaneExport(Map<ObjectKind, Map<Long, Entry>> entries, List<Located> formatErrors) {
        this.entries = entries;
        this.formatErrors = formatErrors;
    }

    /** Reads an export folder. */
    public static ControlPlaneExport read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": not a folder");
        }
        Map<ObjectKind, Map<Long, Entry>> entries = new EnumMap<>(ObjectKind.class);
        List<Located> errors = new ArrayList<>();
        for (ObjectKind kind : CREATE_ORDER) {
            Map<Long, Entry> byId = new LinkedHashMap<>();
            entries.put(kind, byId);
            String name = kind.pathName() + ".jsonl";
            Path file = dir.resolve(name);
            if (!Files.exists(file)) {
                continue;
            }
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                int number = 0;
                while ((line = in.readLine()) != null) {
                    number++;
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        JsonNode json = MAPPER.readTree(line);
                        Object value = kind.parse(json, "");
                        Entry previous = byId.putIfAbsent(ObjectKind.id(value), new Entry(kind, name, number, value));
                        if (previous != null) {
                            errors.add(new Located(name, number, new Problem("id", "duplicate id " + ObjectKind.id(value)
                                    + " (first at line " + previous.line() + ")")));
                        }
                    } catch (CatalogFormatException e) {
                        String m = e.getMessage();
                        errors.add(new Located(name, number, new Problem(e.field(),
                                m.startsWith(e.field() + ": ") ? m.substring(e.field().length() + 2) : m)));
                    } catch (IOException e) {
                        errors.add(new Located(name, number, new Problem("$", "not a JSON object on one line")));
                    }
                }
            }
        }
        return new ControlPlaneExport(entries, errors);
    }

    /** Format errors found while reading. */
    public List<Located> formatErrors() {
        return formatErrors;
    }

    /** The objects of a kind in file order. */
    public List<Entry> entries(ObjectKind kind) {
        return new ArrayList<>(entries.get(kind).values());
    }

    /** The object of a kind and id in the export, or {@code null}. */
    public Object find(ObjectKind kind, long id) {
        Entry e = entries.get(kind).get(id);
        return e == null ? null : e.value();
    }

    /** Format errors plus every rule problem, with references resolved inside the export. */
    public List<Located> validate(CatalogRules rules) {
        List<Located> all = new ArrayList<>(formatErrors);
        for (ObjectKind kind : CREATE_ORDER) {
            for (Entry e : entries.get(kind).values()) {
                for (Problem p : rules.check(e.value(), this::find)) {
                    all.add(new Located(e.file(), e.line(), p));
                }
            }
        }
        return all;
    }
}
