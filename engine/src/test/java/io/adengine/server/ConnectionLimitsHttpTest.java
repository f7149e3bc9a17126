package io.adengine.server;

import io.adengine.catalog.CatalogJson;
import io.adengine.config.EdgeConfig;
import io.adengine.config.EngineConfig;
import io.adengine.match.BudgetGate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connection limits and deadlines of a real engine on loopback, with small limits of its own (50
 * public and 8 admin connections, so the suite stays far from the box's file limit): a flood of idle
 * connections does not lock out new requests or the admin port, busy connections over the limit are
 * refused unread, a slow-header (slowloris) or slow-body client is closed at its deadline however steadily
 * it trickles bytes, an idle one at the idle timeout, and oversize request lines and headers get 414 / 431.
 * Every socket is closed by the test; the engine is closed after each test.
 */
class ConnectionLimitsHttpTest {

    private static final Path CONFIG_DIR = Path.of("..", "config");
    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final int PUBLIC_MAX = 50;
    private static final int ADMIN_MAX = 8;

    private Engine engine;
    private final List<Socket> sockets = new ArrayList<>();

    private Engine start(long idleMillis, long headerMillis, long bodyMillis) throws Exception {
        EdgeConfig edge = EngineConfig.EDGE_FOR_TESTS.withMaxConnections(PUBLIC_MAX, ADMIN_MAX)
                .withTimeouts(idleMillis, headerMillis, bodyMillis, bodyMillis);
        EngineConfig config = EngineConfig.defaults(CONFIG_DIR.resolve("sample-catalog.json")).withEdge(edge);
        engine = Engine.start(config, CatalogJson.read(CONFIG_DIR.resolve("sample-catalog.json")), () -> NOW, () -> 42L, BudgetGate.UNLIMITED);
        return engine;
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        if (engine != null) {
            // Let the engine see every client close before it stops: a request still being aggregated is released
            // when its channel goes inactive, and the paranoid leak check would otherwise find its buffers.
            for (int i = 0; i < 500 && gauge(metrics(), "adengine_connections_open", "port=\"public\"") > 0; i++) {
                Thread.sleep(10);
            }
            engine.close();
        }
    }

    @Test
    void newRequestsAndTheAdminPortShouldBeAnsweredDuringAFloodOfIdleConnections() throws Exception {
        start(60_000, 60_000, 60_000);
        for (int i = 0; i < 4 * PUBLIC_MAX; i++) {
            sockets.add(new Socket("127.0.0.1", engine.publicPort()));
        }
        for (int i = 0; i < 2 * ADMIN_MAX; i++) {
            sockets.add(new Socket("127.0.0.1", engine.adminPort()));
        }

        for (int i = 0; i < 5; i++) {
            assertThat(exchange(engine.publicPort(), adRequest())).startsWith("HTTP/1.1 200");
        }
        assertThat(exchange(engine.adminPort(), "GET /health HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer test-admin-token\r\n\r\n"))
                .startsWith("HTTP/1.1 200");
        String metrics = metrics();
        // Each new connection at the limit took an idle one's place: the port never held more than its limit (+1 closing).
        assertThat(gauge(metrics, "adengine_connections_open", "port=\"public\"")).isLessThanOrEqualTo(PUBLIC_MAX + 1);
        assertThat(counter(metrics, "adengine_connections_closed_total", "port=\"public\",reason=\"evicted_idle\""))
                .isGreaterThanOrEqualTo(3 * PUBLIC_MAX);
        assertThat(counter(metrics, "adengine_connections_closed_total", "port=\"admin\",reason=\"evicted_idle\"")).isPositive();
    }

    @Test
    void aConnectionOverTheLimitShouldBeClosedUnreadWhenEveryConnectionIsBusy() throws Exception {
        start(60_000, 60_000, 60_000);
        // Fifty requests with their headers sent and their bodies pending: busy, never closed to make room.
        for (int i = 0; i < PUBLIC_MAX; i++) {
            Socket s = new Socket("127.0.0.1", engine.publicPort());
            sockets.add(s);
            s.getOutputStream().write("POST /v1/ads HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
        }
        awaitBusy(PUBLIC_MAX);

        try (Socket refused = new Socket("127.0.0.1", engine.publicPort())) {
            refused.setSoTimeout(10_000);
            try {
                refused.getOutputStream().write(adRequest().getBytes(StandardCharsets.US_ASCII));
                assertThat(refused.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
            } catch (SocketException reset) {
                assertThat(reset.getMessage()).containsIgnoringCase("reset");
            }
        }
        assertThat(counter(metrics(), "adengine_connections_closed_total", "port=\"public\",reason=\"over_limit\"")).isPositive();
        // The admin port has its own limit and event loop.
        assertThat(exchange(engine.adminPort(), "GET /health HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer test-admin-token\r\n\r\n"))
                .startsWith("HTTP/1.1 200");
    }

    @Test
    void aSlowHeaderConnectionShouldBeClosedAtItsDeadlineWhileItTricklesBytes() throws Exception {
        start(60_000, 300, 60_000);
        try (Socket slow = new Socket("127.0.0.1", engine.publicPort())) {
            slow.setSoTimeout(100);
            OutputStream out = slow.getOutputStream();
            out.write("POST /v1/ads HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            // One header line every 100 ms: never idle, never complete. Bounded: 20 s of trickling at most.
            boolean closed = false;
            for (int i = 0; i < 200 && !closed; i++) {
                try {
                    out.write(("X-Slow-" + i + ": y\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    closed = slow.getInputStream().read() == -1;
                } catch (SocketTimeoutException stillOpen) {
                    // the server is still waiting for the rest of the headers
                } catch (SocketException reset) {
                    closed = true;
                }
            }
            assertThat(closed).as("closed by the server").isTrue();
        }
        assertThat(counter(metrics(), "adengine_connections_closed_total", "port=\"public\",reason=\"header_timeout\"")).isEqualTo(1);
        assertThat(exchange(engine.publicPort(), adRequest())).startsWith("HTTP/1.1 200");
    }

    @Test
    void aSlowBodyConnectionShouldBeClosedAtItsDeadline() throws Exception {
        start(60_000, 60_000, 300);
        try (Socket slow = new Socket("127.0.0.1", engine.publicPort())) {
            slow.setSoTimeout(100);
            OutputStream out = slow.getOutputStream();
            out.write("POST /v1/ads HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            boolean closed = false;
            for (int i = 0; i < 200 && !closed; i++) {
                try {
                    out.write(' ');
                    out.flush();
                    closed = slow.getInputStream().read() == -1;
                } catch (SocketTimeoutException stillOpen) {
                    // still reading the body
                } catch (SocketException reset) {
                    closed = true;
                }
            }
            assertThat(closed).isTrue();
        }
        assertThat(counter(metrics(), "adengine_connections_closed_total", "port=\"public\",reason=\"body_timeout\"")).isEqualTo(1);
    }

    @Test
    void anIdleKeepAliveConnectionShouldBeClosedAtTheIdleTimeout() throws Exception {
        start(300, 60_000, 60_000);
        try (Socket idle = new Socket("127.0.0.1", engine.publicPort())) {
            idle.setSoTimeout(20_000);
            idle.getOutputStream().write(adRequest().getBytes(StandardCharsets.US_ASCII));
            InputStream in = idle.getInputStream();
            assertThat(readHead(in)).startsWith("HTTP/1.1 200");
            in.skipNBytes(contentLength);
            int next;
            try {
                next = in.read();
            } catch (SocketException reset) {
                next = -1;
            }
            assertThat(next).as("closed after the idle timeout").isEqualTo(-1);
        }
        assertThat(counter(metrics(), "adengine_connections_closed_total", "port=\"public\",reason=\"idle_timeout\"")).isEqualTo(1);
    }

    @Test
    void anOversizeRequestLineShouldAnswer414AndOversizeHeaders431() throws Exception {
        start(60_000, 60_000, 60_000);
        String longUri = "/v1/ads?pad=" + "x".repeat(EdgeConfig.MAX_REQUEST_LINE_BYTES_DEFAULT);
        String line = exchange(engine.publicPort(), "GET " + longUri + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(line).startsWith("HTTP/1.1 414").contains("uri_too_long").contains("server.maxRequestLineBytes");

        String headers = exchange(engine.publicPort(), "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: "
                + "y".repeat(EdgeConfig.MAX_HEADER_BYTES_DEFAULT) + "\r\n\r\n");
        assertThat(headers).startsWith("HTTP/1.1 431").contains("headers_too_large").contains("server.maxHeaderBytes");

        String admin = exchange(engine.adminPort(), "GET /metrics?" + "x".repeat(EdgeConfig.MAX_REQUEST_LINE_BYTES_DEFAULT) + " HTTP/1.1\r\n\r\n");
        assertThat(admin).startsWith("HTTP/1.1 414");
    }

    private int contentLength;

    private static String adRequest() throws IOException {
        String body = Files.readString(CONFIG_DIR.resolve("sample-request.json"));
        return "POST /v1/ads HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    /** Waits (bounded) until the engine holds {@code n} public connections. */
    private void awaitBusy(int n) throws Exception {
        for (int i = 0; i < 500 && gauge(metrics(), "adengine_connections_open", "port=\"public\"") < n; i++) {
            Thread.sleep(10);
        }
    }

    /** One request on a new connection; the whole answer as text. */
    private String exchange(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            String head = readHead(in);
            byte[] body = in.readNBytes(contentLength);
            return head + new String(body, StandardCharsets.UTF_8);
        }
    }

    private String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        Matcher m = Pattern.compile("(?i)content-length: *(\\d+)").matcher(text);
        contentLength = m.find() ? Integer.parseInt(m.group(1)) : 0;
        return text;
    }

    private String metrics() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.metrics().writeText(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    static double counter(String metrics, String name, String labels) {
        Matcher m = Pattern.compile(Pattern.quote(name + "{" + labels + "}") + " ([0-9.eE+-]+)").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    static double gauge(String metrics, String name, String labels) {
        return counter(metrics, name, labels);
    }
}
