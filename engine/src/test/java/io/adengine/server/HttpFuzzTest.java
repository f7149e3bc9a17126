package io.adengine.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.adengine.config.EngineConfig;
import io.adengine.config.EdgeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A randomised fuzz of everything a client can send, through the real HTTP stack of an engine with every
 * subsystem on (loopback, keep-alive connections): ad request bodies (malformed JSON, wrong types, deep
 * nesting, huge numbers, bad escapes, odd bytes, oversize bodies), tracker queries and conversion bodies,
 * admin queries and bodies (reports, operations, catalog ids, audiences, reach, explain) and raw HTTP
 * (garbage request lines, oversize URIs and headers, broken framing). Every answer must be below 500, no
 * ERROR or WARN line may be logged while it runs (an exception escaping a handler or reaching Netty's
 * pipeline tail logs one), no request may count as an error, and afterwards the engine must still serve
 * the sample request. {@value #INPUTS} inputs per run ({@code -Dfuzz.inputs=N} for more); the seed is logged
 * and named in every failure, and {@code -Dfuzz.seed=N} replays it.
 */
class HttpFuzzTest {

    private static final Logger LOG = LoggerFactory.getLogger(HttpFuzzTest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int INPUTS = 20_000;
    private static final String SAMPLE_GAID = "38400000-8cf0-11bd-b23e-10b96e40000d";

    @TempDir
    Path dir;

    private SplittableRandom random;
    private String sample;

    @Test
    void hostileInputShouldNeverGet5xxOrEscapeAHandlerAndTheEngineShouldKeepServing(TestReporter reporter) throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        int inputs = Integer.getInteger("fuzz.inputs", INPUTS);
        LOG.info("fuzzing {} inputs with seed {} (replay: -Dfuzz.seed={})", inputs, seed, seed);
        reporter.publishEntry("fuzz.seed", Long.toString(seed));
        random = new SplittableRandom(seed);
        sample = Files.readString(FullEngine.CONFIG_DIR.resolve("sample-request.json"));
        // Short deadlines so that an input the codec is still waiting on costs little; the default rate limit is on.
        EdgeConfig edge = EngineConfig.EDGE_FOR_TESTS.withTimeouts(10_000, 300, 300, 300)
                .withUserRateLimit(EdgeConfig.UserRateLimit.DEFAULTS);

        List<String> failures = new ArrayList<>();
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        int[] byClass = new int[6];
        try (FullEngine full = FullEngine.start(dir, edge)) {
            Client pub = new Client(full.engine.publicPort());
            Client admin = new Client(full.engine.adminPort());
            System.setErr(new PrintStream(new TeeStream(stderr, logged), true, StandardCharsets.UTF_8));
            try {
                for (int i = 0; i < inputs; i++) {
                    Input in = next(full.config.adminToken());
                    int status = (in.admin ? admin : pub).exchange(in.bytes);
                    byClass[Math.max(0, status) / 100]++;
                    if (status >= 500 && failures.size() < 10) {
                        failures.add("input " + i + " (" + in.kind + "): status " + status + ": "
                                + printable(new String(in.bytes, StandardCharsets.ISO_8859_1), 300));
                    }
                }
            } finally {
                System.setErr(stderr);
                pub.close();
                admin.close();
            }
            LOG.info("fuzz answers by status class: closed without answer {}, 1xx {}, 2xx {}, 3xx {}, 4xx {}, 5xx {}",
                    byClass[0], byClass[1], byClass[2], byClass[3], byClass[4], byClass[5]);
            String replay = "seed " + seed + " (replay with -Dfuzz.seed=" + seed + ")";
            assertThat(failures).as("5xx answers, " + replay).isEmpty();
            String log = logged.toString(StandardCharsets.UTF_8);
            assertThat(log.lines().filter(l -> l.contains(" ERROR ") || l.contains(" WARN ")).limit(5).toList())
                    .as("ERROR/WARN lines logged during the fuzz, " + replay).isEmpty();
            assertThat(byClass[4]).as("most hostile input is refused with a 4xx").isGreaterThan(inputs / 4);

            RawHttp.Answer after = full.pub("POST", "/v1/ads", sample.replace(SAMPLE_GAID, "11111111-2222-4333-8444-555555555555"));
            assertThat(after.status()).as("the sample request after the fuzz, " + replay).isEqualTo(200);
            assertThat(JSON.readTree(after.body()).path("ads").size()).isPositive();
            assertThat(full.admin("GET", "/health", null).status()).isEqualTo(200);
            ByteArrayOutputStream metrics = new ByteArrayOutputStream();
            full.engine.metrics().writeText(metrics);
            assertThat(ConnectionLimitsHttpTest.counter(metrics.toString(StandardCharsets.UTF_8), "adengine_ad_requests_total",
                    "outcome=\"error\"")).as("failed ad requests, " + replay).isZero();
        }
    }

    /** A bid request that bids on the sample catalog; mutated by the fuzzer. */
    private static final String OPENRTB = "{\"id\":\"f\",\"cur\":[\"USD\"],\"imp\":[{\"id\":\"1\",\"tagid\":\"101\",\"bidfloor\":0.01,"
            + "\"banner\":{\"w\":1200,\"h\":628},\"native\":{\"request\":\"{}\"}},{\"id\":\"2\",\"tagid\":\"104\",\"video\":{\"w\":640}}],"
            + "\"device\":{\"ifa\":\"38400000-8cf0-11bd-b23e-10b96e40000d\",\"geo\":{\"country\":\"IND\"},\"connectiontype\":2,\"osv\":\"13\"},"
            + "\"regs\":{\"gdpr\":0,\"gpp_sid\":[2]},\"user\":{\"consent\":\"x\"},\"bcat\":[\"IAB25\"],\"tmax\":100}";

    /** One fuzz input: the request bytes and which port gets them. */
    private record Input(String kind, boolean admin, byte[] bytes) {
    }

    private Input next(String token) {
        int pick = random.nextInt(100);
        if (pick < 34) {
            return new Input("ad body", false, post("/v1/ads", "", adBody()));
        }
        if (pick < 37) {
            return new Input("vast", false, random.nextBoolean() ? post("/v1/vast", "", adBody())
                    : get("/v1/vast?adSpaceId=" + pick("101", "104", "0", "x", "") + "&" + pick("country", "lmt", "gpp_sid", "consent", "coppa")
                            + "=" + queryValue(), ""));
        }
        if (pick < 40) {
            return new Input("openrtb", false, post("/openrtb2/bid" + pick("", "?nbr=1", "?nbr=%zz"), "",
                    random.nextBoolean() ? mutate(OPENRTB.getBytes(StandardCharsets.UTF_8)) : adBody()));
        }
        if (pick < 55) {
            return new Input("tracker", false, tracker());
        }
        if (pick < 80) {
            return new Input("admin", true, adminRequest(token));
        }
        boolean admin = random.nextBoolean();
        return new Input("raw http", admin, rawHttp(admin ? token : null));
    }

    // ---- ad request bodies ----

    private byte[] adBody() {
        return switch (random.nextInt(9)) {
            case 0 -> validRequest().getBytes(StandardCharsets.UTF_8);
            case 1, 2 -> mutate(validRequest().getBytes(StandardCharsets.UTF_8));
            case 3 -> deepNesting();
            case 4 -> withField(pick("adSpaceId", "count", "explainAdGroupId", "requestId", "gaid", "explain", "device", "geo"),
                    oddValue());
            case 5 -> withField("device", "{\"" + pick("osVersion", "model", "language", "network", "carrier", "os") + "\":" + oddValue() + "}");
            case 6 -> withField("geo", "{\"" + pick("country", "region") + "\":" + oddValue() + "}");
            case 7 -> randomBytes(random.nextInt(200));
            default -> ("{\"adSpaceId\":101,\"pad\":\"" + "x".repeat(random.nextInt(20_000)) + "\"}").getBytes(StandardCharsets.UTF_8);
        };
    }

    private String validRequest() {
        StringBuilder b = new StringBuilder("{\"adSpaceId\":").append(pick("101", "102", "103", "201", "999999", "1"));
        if (random.nextBoolean()) {
            b.append(",\"count\":").append(random.nextInt(12));
        }
        if (random.nextBoolean()) {
            b.append(",\"gaid\":\"").append(random.nextInt(4) == 0 ? SAMPLE_GAID : randomGaid()).append('"');
        }
        b.append(",\"geo\":{\"country\":\"").append(pick("IN", "US", "ZZ", "in", "")).append("\"}");
        b.append(",\"device\":{\"osVersion\":\"").append(pick("13", "9", "12.1.3", "x")).append("\",\"language\":\"en\"}");
        if (random.nextInt(4) == 0) {
            b.append(",\"explain\":true,\"explainAdGroupId\":").append(100 + random.nextInt(200));
        }
        return b.append('}').toString();
    }

    private byte[] withField(String field, String value) {
        return ("{\"adSpaceId\":101,\"" + field + "\":" + value + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** Values of the wrong type, out of range, or malformed. */
    private String oddValue() {
        return pick("null", "true", "[]", "{}", "[1,2]", "\"\"", "-1", "0", "-0", "1.5", "1e999", "-1e999", "1E2",
                "123456789012345678901234567890", "9223372036854775808", "-9223372036854775809", "2147483648", "NaN", "Infinity",
                "\"\\u12\"", "\"\\x41\"", "\"\\uD800\"", "\"\\uDFFF\\uD800\"", "\"\u0001\u0000\"", "\"" + "y".repeat(129) + "\"",
                "\"" + "z".repeat(5_000) + "\"", "\"\\\"", "\"" + randomGaid().toUpperCase(Locale.ROOT) + "\"", "00", "07", "+5",
                "\"13\"", "13", "{\"a\":" + "[".repeat(20) + "}", "\"\u00e9\u4e2d\ud83d\ude00\"");
    }

    private byte[] deepNesting() {
        int depth = 1 + random.nextInt(3_000);
        String open = random.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        String inner = open.repeat(depth) + "1" + close.repeat(random.nextBoolean() ? depth : random.nextInt(depth));
        return ("{\"adSpaceId\":101,\"geo\":" + inner + "}").getBytes(StandardCharsets.UTF_8);
    }

    private byte[] mutate(byte[] valid) {
        byte[] b = valid.clone();
        int edits = 1 + random.nextInt(4);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int e = 0; e < edits; e++) {
            out.reset();
            int at = random.nextInt(b.length + 1);
            switch (random.nextInt(5)) {
                case 0 -> { // truncate
                    out.write(b, 0, at);
                }
                case 1 -> { // delete a range
                    int end = Math.min(b.length, at + 1 + random.nextInt(10));
                    out.write(b, 0, at);
                    out.write(b, end, b.length - end);
                }
                case 2 -> { // insert JSON metacharacters or odd bytes
                    out.write(b, 0, at);
                    byte[] junk = pick("{", "}", "[", "]", "\"", ":", ",", "\\", "\\u", "\u0000", "\r\n", " ", "//", "/*", "'")
                            .getBytes(StandardCharsets.UTF_8);
                    out.write(junk, 0, junk.length);
                    out.write(b, at, b.length - at);
                }
                case 3 -> { // flip a byte
                    out.write(b, 0, b.length);
                    byte[] copy = out.toByteArray();
                    if (copy.length > 0) {
                        copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
                    }
                    out.reset();
                    out.write(copy, 0, copy.length);
                }
                default -> { // duplicate a piece
                    int end = Math.min(b.length, at + random.nextInt(20));
                    out.write(b, 0, end);
                    out.write(b, at, b.length - at);
                }
            }
            b = out.toByteArray();
        }
        return b;
    }

    // ---- trackers ----

    private byte[] tracker() {
        if (random.nextInt(4) == 0) {
            String body = switch (random.nextInt(4)) {
                case 0 -> "{\"token\":" + oddValue() + "}";
                case 1 -> "{\"token\":\"" + queryValue() + "\"}";
                case 2 -> new String(mutate("{\"token\":\"abc\",\"x\":[1,{}]}".getBytes(StandardCharsets.UTF_8)), StandardCharsets.ISO_8859_1);
                default -> "x".repeat(random.nextInt(6_000));
            };
            return post("/v1/events/conversion", "", body.getBytes(StandardCharsets.ISO_8859_1));
        }
        String path = pick("/v1/events/imp", "/v1/events/click", "/v1/events/imp", "/v1/events/imp/", "/v1/events/", "/v1/events/video/start",
                "/v1/events/video/complete", "/v1/events/video/error", "/v1/events/video/");
        return get(path + "?" + pick("t", "t", "T", "t%", "%74", "") + "=" + queryValue() + (random.nextInt(5) == 0 ? "&t=" + queryValue() : ""), "");
    }

    /** A query value: plausible, percent-encoded, badly percent-encoded, or odd. */
    private String queryValue() {
        return switch (random.nextInt(8)) {
            case 0 -> "%" + pick("", "z", "zz", "4", "G1", "%", "0g");
            case 1 -> "abc%" + pick("zz", "2", "") + "def";
            case 2 -> "%2B%2F%3D%00%0D%0A%C3%A9%FF%FE";
            case 3 -> base64ish(16 + random.nextInt(200));
            case 4 -> "+ +" + "%20".repeat(random.nextInt(5));
            case 5 -> "a=b=c&&&=";
            case 6 -> "\u00e9\u4e2d".repeat(random.nextInt(3));
            default -> Long.toString(random.nextLong());
        };
    }

    private String base64ish(int n) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=";
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    // ---- admin ----

    private byte[] adminRequest(String token) {
        String auth = random.nextInt(20) == 0 ? pick("", "Authorization: Bearer nope\r\n", "Authorization: Basic x\r\n")
                : "Authorization: Bearer " + token + "\r\n";
        return switch (random.nextInt(9)) {
            case 0 -> get("/v1/admin/reports?" + params("groupBy", "granularity", "from", "to", "utcOffsetHours", "format", "campaign",
                    "adGroup", "creative", "country", "adSpace", "publisher", "account"), auth);
            case 1 -> get("/v1/admin/reports/account?" + params("accountId", "utcOffsetHours"), auth);
            case 2 -> get("/v1/admin/catalog/operations?" + params("kind", "id", "operation", "from", "to", "limit"), auth);
            case 3 -> random.nextBoolean()
                    ? get("/v1/admin/catalog/" + pick("accounts", "campaigns", "ad-groups", "creatives", "ad-spaces", "audiences", "nope", "")
                            + "/" + idText(), auth)
                    : request("DELETE", "/v1/admin/catalog/ad-groups/" + (1_000_000 + random.nextInt(1_000_000)) + "?version=" + idText(), auth, null);
            case 4 -> request(pick("PUT", "POST"), "/v1/admin/catalog/" + pick("accounts/" + idText(), "batch", "creatives/5"), auth,
                    mutate("{\"changes\":[{\"op\":\"PUT\",\"kind\":\"accounts\",\"object\":{\"id\":9999,\"version\":-1}}]}"
                            .getBytes(StandardCharsets.UTF_8)));
            case 5 -> post("/v1/admin/audiences/" + idText() + "?type=" + pick("gaid", "md5", "GAID", "csv", queryValue()), auth,
                    pick("", "x", SAMPLE_GAID + "\n" + SAMPLE_GAID, "\u0000\u0001").getBytes(StandardCharsets.UTF_8));
            case 6 -> post("/v1/admin/audiences/reach", auth, mutate(("{\"includeAudiences\":[7],\"genders\":[\"FEMALE\"],"
                    + "\"age\":{\"min\":18,\"max\":34},\"adSpaceIds\":[101]}").getBytes(StandardCharsets.UTF_8)));
            case 7 -> post("/v1/admin/explain", auth, adBody());
            default -> get(pick("/metrics", "/health", "/v1/admin/nothing", "/v1/admin/catalog", "/v1/admin/catalog/accounts"), auth);
        };
    }

    private String params(String... names) {
        StringBuilder q = new StringBuilder();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            q.append(i == 0 ? "" : "&").append(pick(names)).append('=').append(random.nextBoolean() ? idText() : queryValue());
        }
        return q.toString();
    }

    private String idText() {
        return pick("1", "7", "101", "0", "-1", "-0", "07", "+5", "%37", "1.0", "1e3", "9223372036854775807", "9223372036854775808",
                "99999999999999999999", "abc", "", " 1", "2026-11-01", "2026-13-45", "2026-11-01T00:00:00Z", "-12", "13", "total",
                "day", "hour", "csv", "json", "campaign,adGroup", "IN", "CREATE");
    }

    // ---- raw HTTP ----

    private byte[] rawHttp(String token) {
        String auth = token == null ? "" : "Authorization: Bearer " + token + "\r\n";
        String method = pick("GET", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "FOO", "G\u0001T", "get", "");
        String target = switch (random.nextInt(6)) {
            case 0 -> "/v1/ads?" + "a".repeat(3_000 + random.nextInt(3_000));
            case 1 -> "/" + new String(randomBytes(1 + random.nextInt(40)), StandardCharsets.ISO_8859_1).replace("\r", "").replace("\n", "");
            case 2 -> pick("*", "http://x/v1/ads", "//", "/v1/ads#frag", "/%", "/v1/admin/catalog/accounts/%zz", "/v1/events/imp?%=%");
            default -> pick("/v1/ads", "/health", "/metrics", "/v1/events/imp?t=x", "/v1/admin/audiences/7?type=gaid");
        };
        String version = pick("HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.1x", "HTTP/9", "", "http/1.1");
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(version.isEmpty() ? "" : " " + version).append("\r\n");
        head.append("Host: x\r\n").append(auth);
        byte[] body = random.nextBoolean() ? adBody() : new byte[0];
        switch (random.nextInt(8)) {
            case 0 -> head.append("X-Big: ").append("h".repeat(8_000 + random.nextInt(4_000))).append("\r\n");
            case 1 -> head.append("Content-Length: ").append(pick("-1", "abc", "1 2", "99999999999", "0x10", "")).append("\r\n");
            case 2 -> head.append("Content-Length: ").append(body.length).append("\r\nContent-Length: ").append(body.length + 1).append("\r\n");
            case 3 -> {
                head.append("Transfer-Encoding: chunked\r\n\r\n").append(pick("zz", "-1", "ffffffffffffffff", "1;x=\u0000", "4"))
                        .append("\r\nabcd\r\n0\r\n\r\n");
                return head.toString().getBytes(StandardCharsets.ISO_8859_1);
            }
            case 4 -> head.append(pick("NoColon", " Leading: space", "Bad\u0000Name: x", "X: a\r\n folded", ": empty", "X-Ctl: \u0001"))
                    .append("\r\n");
            case 5 -> {
                for (int i = 0; i < 200; i++) {
                    head.append("X-").append(i).append(": ").append(i).append("\r\n");
                }
            }
            default -> { }
        }
        if (head.indexOf("Content-Length") < 0 && head.indexOf("Transfer-Encoding") < 0 && body.length > 0) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    // ---- helpers ----

    private byte[] post(String path, String headers, byte[] body) {
        return request("POST", path, headers, body);
    }

    private byte[] get(String target, String headers) {
        return request("GET", target, headers, null);
    }

    private static byte[] request(String method, String target, String headers, byte[] body) {
        byte[] head = (method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + headers
                + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n") + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
        if (body == null) {
            return head;
        }
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        return b;
    }

    private String randomGaid() {
        return String.format("%08x-%04x-%04x-%04x-%012x", random.nextInt(), random.nextInt(0x10000), random.nextInt(0x10000),
                random.nextInt(0x10000), random.nextLong() & 0xFFFFFFFFFFFFL);
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[random.nextInt(options.length)];
    }

    private static String printable(String s, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c & 0xff));
        }
        return b.toString();
    }

    /** A keep-alive connection to one port, reopened whenever the engine closes it. */
    private static final class Client {
        private final int port;
        private Socket socket;
        private InputStream in;

        Client(int port) {
            this.port = port;
        }

        /** Sends one input and reads its answer: the status, or 0 when the engine closed the connection without one. */
        int exchange(byte[] request) throws IOException {
            if (socket == null) {
                socket = new Socket("127.0.0.1", port);
                socket.setSoTimeout(5_000);
                socket.setTcpNoDelay(true);
                in = new BufferedInputStream(socket.getInputStream());
            }
            try {
                OutputStream out = socket.getOutputStream();
                out.write(request);
                out.flush();
                int status;
                boolean close;
                do {
                    RawHttp.Answer a = RawHttp.read(in);
                    status = a.status();
                    String connection = a.header("connection");
                    close = connection != null && connection.equalsIgnoreCase("close");
                } while (status >= 100 && status < 200);
                // Left-over bytes (an input that held more than one request) would be mistaken for the next answer.
                if (close || in.available() > 0) {
                    close();
                }
                return status;
            } catch (SocketTimeoutException e) {
                // An input the codec still waits on (its deadline closes it): not an answer, and not a failure.
                close();
                return 0;
            } catch (SocketException e) {
                close();
                return 0;
            } catch (IOException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("connection closed")) {
                    close();
                    return 0;
                }
                throw e;
            }
        }

        void close() throws IOException {
            if (socket != null) {
                socket.close();
                socket = null;
            }
        }
    }

    /** Copies what is written to two streams. */
    private static final class TeeStream extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        TeeStream(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
