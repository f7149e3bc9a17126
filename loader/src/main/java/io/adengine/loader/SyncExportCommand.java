package io.adengine.loader;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.adengine.catalog.CatalogRules;
import io.adengine.catalog.ControlPlaneExport;
import io.adengine.catalog.ObjectKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code loader sync DIR --url URL --token TOKEN}: makes a running engine's catalog equal to a
 * control-plane export, sending only what changed. It lists the engine's id/version pairs per kind,
 * PUTs objects whose export version is newer (parents first), DELETEs objects the export no longer has
 * (children first), and retries failed requests: versions make every request idempotent.
 */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = "Send what changed in a control-plane export to a running engine.")
final class SyncExportCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "DIR", description = "export folder")
    Path dir;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8081", description = "admin base URL (default: ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--token", description = "admin bearer token (default: $ENGINE_ADMIN_TOKEN)")
    String token;

    @Option(names = "--rules", paramLabel = "DIR", defaultValue = "config", description = "rule folder (default: ${DEFAULT-VALUE})")
    Path rulesDir;

    @Option(names = "--keep-extra", description = "do not delete objects the engine has and the export lacks")
    boolean keepExtra;

    @Option(names = "--retries", defaultValue = "3", description = "attempts per request (default: ${DEFAULT-VALUE})")
    int retries;

    @Option(names = "--operator", defaultValue = "loader-sync", description = "X-Operator for the operation log (default: ${DEFAULT-VALUE})")
    String operator;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (token == null) {
            token = System.getenv("ENGINE_ADMIN_TOKEN");
        }
        if (token == null) {
            err.println("--token or ENGINE_ADMIN_TOKEN is required");
            return 2;
        }
        ControlPlaneExport export = ControlPlaneExport.read(dir);
        List<ControlPlaneExport.Located> problems = export.validate(CatalogRules.load(rulesDir));
        if (!problems.isEmpty()) {
            problems.forEach(err::println);
            err.printf("%d problem(s): nothing sent; fix the export first%n", problems.size());
            return 1;
        }
        Map<ObjectKind, Map<Long, Long>> engine = new HashMap<>();
        for (ObjectKind kind : ControlPlaneExport.CREATE_ORDER) {
            HttpResponse<String> r = send("GET", "/v1/admin/catalog/" + kind.pathName(), null);
            if (r.statusCode() != 200) {
                err.printf("listing %s failed: HTTP %d %s%n", kind.pathName(), r.statusCode(), r.body());
                return 1;
            }
            Map<Long, Long> versions = new HashMap<>();
            JSON.readTree(r.body()).get("objects").forEach(o -> versions.put(o.get("id").asLong(), o.get("version").asLong()));
            engine.put(kind, versions);
        }
        int sent = 0;
        int unchanged = 0;
        int deleted = 0;
        int engineNewer = 0;
        List<String> refused = new ArrayList<>();
        for (ObjectKind kind : ControlPlaneExport.CREATE_ORDER) {
            for (ControlPlaneExport.Entry e : export.entries(kind)) {
                long id = ObjectKind.id(e.value());
                long version = ObjectKind.version(e.value());
                Long current = engine.get(kind).get(id);
                if (current != null && current == version) {
                    unchanged++;
                    continue;
                }
                if (current != null && current > version) {
                    engineNewer++;
                    continue;
                }
                HttpResponse<String> r = send("PUT", "/v1/admin/catalog/" + kind.pathName() + "/" + id,
                        ObjectKind.toJson(e.value()).toString());
                if (r.statusCode() == 200) {
                    sent++;
                } else {
                    refused.add(e.file() + ":" + e.line() + ": HTTP " + r.statusCode() + " " + r.body());
                }
            }
        }
        if (!keepExtra) {
            List<ObjectKind> reverse = new ArrayList<>(ControlPlaneExport.CREATE_ORDER);
            java.util.Collections.reverse(reverse);
            for (ObjectKind kind : reverse) {
                for (Map.Entry<Long, Long> e : engine.get(kind).entrySet()) {
                    if (export.find(kind, e.getKey()) == null) {
                        HttpResponse<String> r = send("DELETE", "/v1/admin/catalog/" + kind.pathName() + "/" + e.getKey()
                                + "?version=" + e.getValue(), null);
                        if (r.statusCode() == 200) {
                            deleted++;
                        } else if (r.statusCode() != 404) {
                            // 404: already gone with a deleted parent (cascade).
                            refused.add(kind.pathName() + "/" + e.getKey() + ": HTTP " + r.statusCode() + " " + r.body());
                        }
                    }
                }
            }
        }
        refused.forEach(err::println);
        out.printf("sync %s -> %s: %d sent, %d unchanged, %d deleted, %d newer on the engine (left alone), %d refused%n",
                dir, url, sent, unchanged, deleted, engineNewer, refused.size());
        out.flush();
        err.flush();
        return refused.isEmpty() ? 0 : 1;
    }

    /** Sends one request, retrying on I/O errors and 5xx answers (safe: versions make every request idempotent). */
    private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("X-Operator", operator)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
        IOException last = null;
        for (int attempt = 1; attempt <= Math.max(1, retries); attempt++) {
            try {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() < 500 || attempt == retries) {
                    return r;
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(100L << attempt);
        }
        throw last != null ? last : new IOException(method + " " + path + " failed");
    }
}
