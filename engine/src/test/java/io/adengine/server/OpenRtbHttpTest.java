package io.adengine.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.util.JsonFormat;
import com.iabtechlab.openrtb.v2.OpenRtb;
import io.adengine.catalog.CatalogJson;
import io.adengine.config.EngineConfig;
import io.adengine.config.EventsConfig;
import io.adengine.config.OpenRtbConfig;
import io.adengine.match.BudgetGate;
import io.adengine.model.Catalog;
import io.adengine.testing.Standards;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /openrtb2/bid} of a real engine. Oracles: the official {@code openrtb-2.6.proto} (compiled for the tests)
 * parses every bid response through protobuf's JSON mapping with unknown fields rejected; the example requests of
 * the 2.6 specification (section 6.2, read from {@code shared/standards/openrtb-2.6.md}) are answered with a bid or a
 * 204 as the test catalog dictates; VAST in {@code adm} validates against {@code vast_4.2.xsd}.
 *
 * <p>Test catalog: the sample catalog with country, region, language and OS version targeting dropped (the spec's
 * examples carry none of them), floors at 0,
 * campaign 10 declaring advertiser puzzle-studio.com and its rewarded video 1011 in category IAB9-30; tag id "agltb3B1Yi1pbmNyDQsSBFNpdGUY7fD0FAw" (example 3) mapped to the banner ad space 102; impressions without
 * a tag id go to ad space 102 (banner), 104 (rewarded video) or 101 (feed, native).
 */
class OpenRtbHttpTest {

    private static final Path CONFIG_DIR = Path.of("..", "config");
    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final String EXAMPLE3_TAG = "agltb3B1Yi1pbmNyDQsSBFNpdGUY7fD0FAw";

    @TempDir
    static Path journal;
    private static Engine engine;
    private static EngineConfig config;

    @BeforeAll
    static void startEngine() throws Exception {
        VastWriterTest.schema();
        config = EngineConfig.defaults(CONFIG_DIR.resolve("sample-catalog.json"))
                .withEvents(EventsConfig.inDirectory(journal).withPacing(EventsConfig.Pacing.ASAP))
                .withOpenRtb(new OpenRtbConfig(Map.of(EXAMPLE3_TAG, 102L), 102, 104, 101));
        engine = Engine.start(config, testCatalog(), () -> NOW, () -> 42L, BudgetGate.UNLIMITED);
    }

    /** The sample catalog without country targeting and with every floor at 0. */
    static Catalog testCatalog() throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(CONFIG_DIR.resolve("sample-catalog.json").toFile());
        root.get("adGroups").forEach(g -> {
            JsonNode t = g.get("targeting");
            if (t instanceof ObjectNode o) {
                o.remove("country");
                o.remove("region");
                o.remove("language");
                o.remove("osVersion");
            }
        });
        root.get("adSpaces").forEach(s -> ((ObjectNode) s).put("floorCpmMicros", 0));
        root.get("campaigns").forEach(c -> {
            if (c.get("id").asLong() == 10) {
                ((ObjectNode) c).put("advertiserDomain", "puzzle-studio.com");
            }
        });
        root.get("creatives").forEach(c -> {
            if (c.get("id").asLong() == 1011) {
                ((ObjectNode) c).putArray("categories").add("IAB9-30");
            }
        });
        return CatalogJson.read(new java.io.ByteArrayInputStream(JSON.writeValueAsBytes(root)));
    }

    @AfterAll
    static void stopEngine() {
        engine.close();
    }

    static HttpResponse<byte[]> bid(String query, byte[] body, boolean gzip) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.publicPort() + OpenRtbHandler.PATH + query))
                .header("Content-Type", "application/json").header("x-openrtb-version", "2.6");
        if (gzip) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream z = new GZIPOutputStream(out)) {
                z.write(body);
            }
            body = out.toByteArray();
            b.header("Content-Encoding", "gzip");
        }
        return HTTP.send(b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> bid(String json) throws Exception {
        return bid("", json.getBytes(StandardCharsets.UTF_8), false);
    }

    /** The response parsed by the official proto, unknown fields rejected (JsonFormat's default). */
    static OpenRtb.BidResponse proto(HttpResponse<byte[]> r) throws Exception {
        OpenRtb.BidResponse.Builder b = OpenRtb.BidResponse.newBuilder();
        JsonFormat.parser().merge(new String(r.body(), StandardCharsets.UTF_8), b);
        return b.build();
    }

    /** The example bid requests of section 6.2 of the spec, by title. */
    static Map<String, String> specExamples() throws Exception {
        String md = Files.readString(Standards.file("openrtb-2.6.md"));
        int from = md.indexOf("## 6.2 - Bid Requests");
        int to = md.indexOf("## 6.3 - Bid Responses");
        String section = md.substring(from, to);
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("### (6\\.2\\.\\d)[^\\n]*\\n(.*?)```javascript\\n(.*?)```", Pattern.DOTALL).matcher(section);
        while (m.find()) {
            out.put(m.group(1), m.group(3));
        }
        return out;
    }

    @Test
    void specExampleRequestsShouldParseAsProtoAndBeAnsweredAsTheTestCatalogDictates() throws Exception {
        Map<String, String> examples = specExamples();
        assertThat(examples).containsOnlyKeys("6.2.1", "6.2.2", "6.2.3", "6.2.4", "6.2.5");
        // 6.2.1, 6.2.2, 6.2.5: a banner without a tag id → ad space 102 (BANNER), where group 100 serves its image
        // creative 1001. 6.2.3: its tag id is mapped to 102 too (its block lists name none of group 100's). 6.2.4: a
        // video without a tag id → ad space 104, the rewarded video 1011 (VAST). The SDK path must fill the same spaces.
        assertThat(sdkFills(102)).isTrue();
        assertThat(sdkFills(104)).isTrue();
        Map<String, Integer> statuses = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : examples.entrySet()) {
            OpenRtb.BidRequest.Builder request = OpenRtb.BidRequest.newBuilder();
            // Leniently: example 6.2.2 sends user.data[].value, which the official proto does not have; and the proto
            // models OpenRTB's 0/1 flags as bool, which protobuf's JSON mapping reads only as true/false.
            JsonNode example = JSON.readTree(e.getValue());
            flagsAsBooleans(example, OpenRtb.BidRequest.getDescriptor());
            JsonFormat.parser().ignoringUnknownFields().merge(JSON.writeValueAsString(example), request);
            HttpResponse<byte[]> r = bid(e.getValue());
            statuses.put(e.getKey(), r.statusCode());
            assertThat(r.headers().firstValue("x-openrtb-version")).as(e.getKey()).hasValue("2.6");
            if (r.statusCode() == 200) {
                OpenRtb.BidResponse response = proto(r);
                assertThat(response.getId()).isEqualTo(request.getId());
                OpenRtb.BidResponse.Bid b = response.getSeatbid(0).getBid(0);
                assertThat(b.getImpid()).isEqualTo(request.getImp(0).getId());
                assertThat(b.getPrice()).isGreaterThanOrEqualTo(request.getImp(0).getBidfloor());
                assertThat(b.getBurl()).startsWith(config.trackers().baseUrl() + "/v1/events/imp?t=");
                assertThat(b.getCrid()).isNotEmpty();
                if (request.getImp(0).hasVideo()) {
                    VastWriterTest.validate(b.getAdm());
                    assertThat(b.getMtype()).isEqualTo(2);
                } else {
                    assertThat(b.getAdm()).startsWith("<a href=\"" + config.trackers().baseUrl() + "/v1/events/click?t=");
                    assertThat(b.getMtype()).isEqualTo(1);
                }
            } else {
                assertThat(r.body()).isEmpty();
            }
        }
        assertThat(statuses).containsExactly(Map.entry("6.2.1", 200), Map.entry("6.2.2", 200), Map.entry("6.2.3", 200),
                Map.entry("6.2.4", 200), Map.entry("6.2.5", 200));
    }

    /** Rewrites 0/1 integers of the proto's bool fields as false/true, following the message descriptor. */
    static void flagsAsBooleans(JsonNode json, com.google.protobuf.Descriptors.Descriptor type) {
        if (!(json instanceof ObjectNode o)) {
            return;
        }
        for (com.google.protobuf.Descriptors.FieldDescriptor f : type.getFields()) {
            JsonNode v = o.get(f.getName());
            if (v == null) {
                continue;
            }
            if (f.getJavaType() == com.google.protobuf.Descriptors.FieldDescriptor.JavaType.BOOLEAN && v.isIntegralNumber()) {
                o.put(f.getName(), v.asInt() != 0);
            } else if (f.getJavaType() == com.google.protobuf.Descriptors.FieldDescriptor.JavaType.MESSAGE) {
                if (v.isArray()) {
                    v.forEach(item -> flagsAsBooleans(item, f.getMessageType()));
                } else {
                    flagsAsBooleans(v, f.getMessageType());
                }
            }
        }
    }

    /** Whether the SDK path fills the ad space for a request without geo (the oracle for example 3's bid). */
    private static boolean sdkFills(long adSpaceId) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.publicPort() + "/v1/ads"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"adSpaceId\":" + adSpaceId + ",\"count\":10}")).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200;
    }

    private static final String VIDEO_REQUEST = "{\"id\":\"v-1\",\"cur\":[\"USD\"],\"tmax\":120,\"at\":1,"
            + "\"imp\":[{\"id\":\"1\",\"tagid\":\"104\",\"bidfloor\":0.01,\"video\":{\"mimes\":[\"video/mp4\"],\"w\":1280,\"h\":720}}],"
            + "\"app\":{\"bundle\":\"com.example.game\"},\"device\":{\"ifa\":\"38400000-8cf0-11bd-b23e-10b96e40000d\",\"lmt\":0,\"os\":\"android\","
            + "\"osv\":\"13\",\"geo\":{\"country\":\"IND\",\"region\":\"MH\"},\"connectiontype\":2,\"carrier\":\"jio\",\"language\":\"en\"},"
            + "\"user\":{\"id\":\"u\"},\"regs\":{\"coppa\":0,\"gdpr\":0},\"some_future_field\":{\"x\":[1,2]}}";

    @Test
    void videoImpressionShouldBidWithVastAdmAndABillingUrlThatCountsOnce() throws Exception {
        HttpResponse<byte[]> r = bid(VIDEO_REQUEST);

        assertThat(r.statusCode()).isEqualTo(200);
        OpenRtb.BidResponse response = proto(r);
        assertThat(response.getCur()).isEqualTo("USD");
        assertThat(response.getSeatbid(0).getSeat()).isEqualTo("ad-engine");
        OpenRtb.BidResponse.Bid b = response.getSeatbid(0).getBid(0);
        assertThat(b.getCrid()).isEqualTo("1011");
        assertThat(b.getCatList()).containsExactly("IAB9-30");
        assertThat(b.getBundle()).isEqualTo("com.puzzle.studio");
        assertThat(b.getAdomainList()).containsExactly("puzzle-studio.com");
        assertThat(b.getMtype()).isEqualTo(2);
        assertThat(b.getDur()).isEqualTo(30);
        VastWriterTest.validate(b.getAdm());
        assertThat(b.getAdm()).contains("<AdServingId>" + b.getId() + "</AdServingId>");

        String billing = b.getBurl().substring(config.trackers().baseUrl().length());
        HttpResponse<String> first = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.publicPort() + billing)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> again = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.publicPort() + billing)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(first.statusCode()).isEqualTo(204);
        assertThat(again.statusCode()).as("billing notice counted once").isEqualTo(409);
    }

    @Test
    void priceShouldBeInTheRequestCurrencyAndAnUnratedCurrencyShouldNotBid() throws Exception {
        OpenRtb.BidResponse usd = proto(bid(VIDEO_REQUEST));
        OpenRtb.BidResponse inr = proto(bid(VIDEO_REQUEST.replace("\"cur\":[\"USD\"]", "\"cur\":[\"EUR\",\"INR\"]")));
        HttpResponse<byte[]> eur = bid(VIDEO_REQUEST.replace("\"cur\":[\"USD\"]", "\"cur\":[\"EUR\"]"));
        HttpResponse<byte[]> eurFloor = bid(VIDEO_REQUEST.replace("\"bidfloor\":0.01", "\"bidfloor\":0.01,\"bidfloorcur\":\"EUR\""));

        assertThat(inr.getCur()).isEqualTo("INR");
        long usdMicros = config.auction().microsPerUnit().get(io.adengine.model.Currency.USD);
        long inrMicros = config.auction().microsPerUnit().get(io.adengine.model.Currency.INR);
        assertThat(inr.getSeatbid(0).getBid(0).getPrice())
                .isCloseTo(usd.getSeatbid(0).getBid(0).getPrice() * usdMicros / inrMicros, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(eur.statusCode()).isEqualTo(204);
        assertThat(eurFloor.statusCode()).isEqualTo(204);
    }

    @Test
    void floorAboveTheAdShouldNotBidAndReasonsShouldComeWhenAsked() throws Exception {
        String high = VIDEO_REQUEST.replace("\"bidfloor\":0.01", "\"bidfloor\":100000");
        HttpResponse<byte[]> none = bid(high);
        HttpResponse<byte[]> reasons = bid("?nbr=1", high.getBytes(StandardCharsets.UTF_8), false);
        HttpResponse<byte[]> unmapped = bid("?nbr=1", VIDEO_REQUEST.replace("\"tagid\":\"104\"", "\"tagid\":\"nowhere\"")
                .replace("\"video\":", "\"audio\":").getBytes(StandardCharsets.UTF_8), false);

        assertThat(none.statusCode()).isEqualTo(204);
        assertThat(none.body()).isEmpty();
        assertThat(none.headers().firstValue("x-openrtb-version")).hasValue("2.6");
        assertThat(reasons.statusCode()).isEqualTo(200);
        assertThat(proto(reasons).getNbr()).isEqualTo(0);
        assertThat(proto(reasons).getId()).isEqualTo("v-1");
        assertThat(proto(unmapped).getNbr()).isEqualTo(2);
    }

    @Test
    void requestBlocksShouldRemoveTheAdvertiserAndCategories() throws Exception {
        assertThat(bid(VIDEO_REQUEST.replace("\"tmax\":120", "\"tmax\":120,\"badv\":[\"www.puzzle-studio.com\"]")).statusCode()).isEqualTo(204);
        assertThat(bid(VIDEO_REQUEST.replace("\"tmax\":120", "\"tmax\":120,\"badv\":[\"other.example\"]")).statusCode()).isEqualTo(200);
        assertThat(bid(VIDEO_REQUEST.replace("\"tmax\":120", "\"tmax\":120,\"bcat\":[\"IAB9\"]")).statusCode()).isEqualTo(204);
        assertThat(bid(VIDEO_REQUEST.replace("\"tmax\":120", "\"tmax\":120,\"bcat\":[\"IAB9-31\"]")).statusCode()).isEqualTo(200);
        assertThat(bid(VIDEO_REQUEST.replace("\"tmax\":120", "\"tmax\":120,\"bapp\":[\"com.puzzle.studio\"]")).statusCode()).isEqualTo(204);
    }

    @Test
    void gzipBodyShouldGiveTheSameKindOfAnswer() throws Exception {
        HttpResponse<byte[]> r = bid("", VIDEO_REQUEST.getBytes(StandardCharsets.UTF_8), true);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(proto(r).getSeatbid(0).getBid(0).getCrid()).isEqualTo("1011");
    }

    @Test
    void wrongTypesAndBrokenBodiesShouldBe400WithoutABody() throws Exception {
        List<String> bad = new ArrayList<>(List.of(
                "not json", "[]", "{}", "{\"id\":1,\"imp\":[{\"id\":\"1\"}]}", "{\"id\":\"x\",\"imp\":{}}", "{\"id\":\"x\",\"imp\":[]}",
                "{\"id\":\"x\",\"imp\":[{\"id\":\"1\",\"bidfloor\":\"0.5\"}]}", "{\"id\":\"x\",\"imp\":[{\"id\":\"1\",\"video\":[]}]}",
                "{\"id\":\"x\",\"imp\":[{\"id\":\"1\"}],\"tmax\":\"120\"}", "{\"id\":\"x\",\"imp\":[{\"id\":\"1\"}],\"device\":{\"lmt\":\"0\"}}",
                "{\"id\":\"x\",\"imp\":[{\"id\":\"1\"}],\"device\":{\"geo\":{\"country\":3}}}", "{\"id\":\"x\",\"imp\":[{\"id\":\"1\"}],\"bcat\":[1]}",
                "{\"id\":\"x\",\"imp\":[{\"id\":\"1\"}],\"regs\":{\"gpp_sid\":[\"2\"]}}", "{\"id\":\"x\",\"imp\":[{\"id\":\"1\"}],\"id\":\"y\"}"));
        for (String body : bad) {
            HttpResponse<byte[]> r = bid(body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(r.body()).as(body).isEmpty();
            assertThat(r.headers().firstValue("x-openrtb-version")).hasValue("2.6");
        }
        HttpRequest notGzip = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.publicPort() + OpenRtbHandler.PATH))
                .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofString(VIDEO_REQUEST)).build();
        assertThat(HTTP.send(notGzip, HttpResponse.BodyHandlers.ofByteArray()).statusCode()).isEqualTo(400);
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.publicPort() + OpenRtbHandler.PATH)).GET().build();
        assertThat(HTTP.send(get, HttpResponse.BodyHandlers.ofByteArray()).statusCode()).isEqualTo(405);
    }

    @Test
    void manyImpressionsShouldEachGetAtMostOneBidWithItsImpId() throws Exception {
        ObjectNode request = (ObjectNode) JSON.readTree(VIDEO_REQUEST);
        ArrayNode imps = request.putArray("imp");
        imps.addObject().put("id", "banner-1").putObject("banner").put("w", 300).put("h", 250);
        imps.addObject().put("id", "video-1").put("tagid", "104").putObject("video").put("w", 640).put("h", 480);
        imps.addObject().put("id", "native-1").putObject("native").put("request", "{}");

        OpenRtb.BidResponse response = proto(bid(JSON.writeValueAsString(request)));

        List<String> impIds = new ArrayList<>();
        response.getSeatbidList().forEach(s -> s.getBidList().forEach(b -> impIds.add(b.getImpid() + " " + b.getMtype())));
        assertThat(impIds).contains("video-1 2");
        assertThat(impIds).doesNotHaveDuplicates();
        for (OpenRtb.BidResponse.Bid b : response.getSeatbid(0).getBidList()) {
            if (b.getMtype() == 4) {
                JsonNode nativeAd = JSON.readTree(b.getAdm());
                assertThat(nativeAd.get("ads")).hasSize(1);
            }
        }
    }
}
