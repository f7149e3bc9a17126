package io.adengine.catalog;

import io.adengine.model.AdGroup;
import io.adengine.model.Catalog;
import io.adengine.model.VideoAd;
import io.adengine.model.VideoEvent;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class CatalogJsonTest {

    private static final Path SAMPLE = Path.of("..", "config", "sample-catalog.json");

    @Test
    void writeThenReadShouldGiveAnEqualCatalog() throws Exception {
        Catalog original = CatalogJson.read(SAMPLE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CatalogJson.write(original, out);

        Catalog copy = CatalogJson.read(new ByteArrayInputStream(out.toByteArray()));

        assertThat(copy.version()).isEqualTo(original.version());
        assertThat(copy.accounts()).containsExactlyElementsOf(original.accounts());
        assertThat(copy.campaigns()).containsExactlyElementsOf(original.campaigns());
        assertThat(copy.adGroups()).containsExactlyElementsOf(original.adGroups());
        assertThat(copy.creatives()).containsExactlyElementsOf(original.creatives());
        assertThat(copy.adSpaces()).containsExactlyElementsOf(original.adSpaces());
        // The sample's rewarded video carries every VAST field, so the comparison above covers them.
        VideoAd vast = original.creatives().stream().filter(c -> c.id() == 1011).findFirst().orElseThrow().vast();
        assertThat(vast.durationMillis()).isEqualTo(30_000);
        assertThat(vast.skipOffsetMillis()).isEqualTo(5_000);
        assertThat(vast.mediaFiles()).extracting(VideoAd.MediaFile::mimeType, VideoAd.MediaFile::delivery, VideoAd.MediaFile::bitrateKbps)
                .containsExactly(tuple("video/mp4", VideoAd.Delivery.PROGRESSIVE, 1067), tuple("video/webm", VideoAd.Delivery.PROGRESSIVE, 500),
                        tuple("application/x-mpegURL", VideoAd.Delivery.STREAMING, 0));
        assertThat(vast.verifications()).containsExactly(new VideoAd.Verification("iabtechlab.com-omid",
                "https://verify.example.net/omid-validation-verification-script-v1.js", "{\"campaign\":1011}"));
        assertThat(vast.trackingEvents()).extracting(VideoAd.EventTracker::event).containsExactly(VideoEvent.START, VideoEvent.COMPLETE);
        assertThat(copy.creatives().stream().filter(c -> c.vast() != null).count()).isEqualTo(1);
    }

    @Test
    void readShouldNameTheVastFieldPathWhenATypeIsWrong() throws Exception {
        String sample = Files.readString(SAMPLE);
        int creative = creativeIndex(sample, 1011);

        assertError(sample.replaceFirst("\"width\": 1280, \"height\": 720, \"bitrateKbps\": 1067", "\"width\": \"wide\", \"height\": 720"),
                "creatives[" + creative + "].vast.mediaFiles[0].width", "must be an integer");
        assertError(sample.replaceFirst("\"delivery\": \"STREAMING\"", "\"delivery\": \"PIGEON\""),
                "creatives[" + creative + "].vast.mediaFiles[2].delivery", "unknown value \"PIGEON\"");
        assertError(sample.replaceFirst("\"event\": \"complete\"", "\"event\": \"finish\""),
                "creatives[" + creative + "].vast.trackingEvents[1].event", "unknown event \"finish\"");
        assertError(sample.replaceFirst("\"durationMillis\": 30000,\\s*\"skipOffsetMillis\"", "\"durationMillis\": 0, \"skipOffsetMillis\""),
                "creatives[" + creative + "].vast.durationMillis", "must be 1..3600000, was 0");
        assertError(sample.replaceFirst("\"type\": \"video/webm\", ", ""),
                "creatives[" + creative + "].vast.mediaFiles[1].type", "is required");
    }

    private static int creativeIndex(String document, long id) throws Exception {
        var creatives = new com.fasterxml.jackson.databind.ObjectMapper().readTree(document).get("creatives");
        for (int i = 0; i < creatives.size(); i++) {
            if (creatives.get(i).get("id").asLong() == id) {
                return i;
            }
        }
        throw new AssertionError("no creative " + id);
    }

    /** The sample with {@code caps} (JSON) set as the first ad group's and the first campaign's frequencyCaps. */
    private static String withCaps(String groupCaps, String campaignCaps) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode tree = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(SAMPLE.toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("adGroups").get(0)).set("frequencyCaps", json.readTree(groupCaps));
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("campaigns").get(0)).set("frequencyCaps", json.readTree(campaignCaps));
        return json.writeValueAsString(tree);
    }

    @Test
    void frequencyCapsShouldRoundTripAndEveryBadCapShouldNameItsField() throws Exception {
        String caps = withCaps("[{\"event\":\"IMPRESSION\",\"max\":2,\"windowSeconds\":86400},{\"event\":\"CLICK\",\"max\":1,\"windowSeconds\":0}]",
                "[{\"event\":\"IMPRESSION\",\"max\":10,\"windowSeconds\":604800}]");
        Catalog original = CatalogJson.read(new ByteArrayInputStream(caps.getBytes(StandardCharsets.UTF_8)));
        io.adengine.model.AdGroup group = original.adGroups().iterator().next();
        assertThat(group.frequencyCaps()).containsExactly(
                new io.adengine.model.FrequencyCap(io.adengine.model.FrequencyCap.Event.IMPRESSION, 2, 86_400),
                new io.adengine.model.FrequencyCap(io.adengine.model.FrequencyCap.Event.CLICK, 1, 0));
        assertThat(group.capUnknownUsers()).isFalse();
        assertThat(original.campaigns().iterator().next().frequencyCaps()).hasSize(1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CatalogJson.write(original, out);
        Catalog copy = CatalogJson.read(new ByteArrayInputStream(out.toByteArray()));
        assertThat(copy.adGroups()).containsExactlyElementsOf(original.adGroups());
        assertThat(copy.campaigns()).containsExactlyElementsOf(original.campaigns());

        String ok = "{\"event\":\"IMPRESSION\",\"max\":2,\"windowSeconds\":86400}";
        assertError(withCaps("[{\"event\":\"VIEW\",\"max\":2,\"windowSeconds\":86400}]", "[]"), "adGroups[0].frequencyCaps[0].event",
                "unknown value \"VIEW\"");
        assertError(withCaps("[{\"event\":\"CLICK\",\"max\":0,\"windowSeconds\":86400}]", "[]"), "adGroups[0].frequencyCaps[0].max",
                "1..10000");
        assertError(withCaps("[" + ok + ",{\"event\":\"CLICK\",\"max\":1,\"windowSeconds\":30}]", "[]"),
                "adGroups[0].frequencyCaps[1].windowSeconds", "0 (lifetime) or 60..31536000");
        assertError(withCaps("[{\"event\":\"CLICK\",\"max\":1}]", "[]"), "adGroups[0].frequencyCaps[0].windowSeconds", "required");
        assertError(withCaps("[" + ok + "," + ok.replace("2", "3") + "]", "[]"), "adGroups[0].frequencyCaps", "over the same window");
        assertError(withCaps("[]", "[" + ok + "," + ok.replace("86400", "3600") + "," + ok.replace("86400", "60") + ","
                + ok.replace("86400", "0") + "," + ok.replace("86400", "600") + "]"), "campaigns[0].frequencyCaps", "at most 4");
    }

    @Test
    void readShouldNameTheFieldPathWhenATypeIsWrong() throws Exception {
        String sample = Files.readString(SAMPLE);

        assertError(sample.replaceFirst("\"utcOffsetHours\": 5", "\"utcOffsetHours\": 13"),
                "adGroups[0].schedule.utcOffsetHours", "must be -12..12, was 13");
        assertError(sample.replaceFirst("\"model\": \"CPC\"", "\"model\": \"CPX\""), "adGroups[0].bid.model", "unknown value \"CPX\"");
        assertError(sample.replaceFirst("\"start\": \"2026-01-01\"", "\"start\": \"01/01/2026\""), "adGroups[0].schedule.start", "YYYY-MM-DD");
        assertError(sample.replaceFirst("\"placements\": \\[\\s*\"FEED\",\\s*\"BANNER\"\\s*]", "\"placements\": []"),
                "adGroups[0].placements", "at least one placement type");
        assertError(sample.replaceFirst("\"min\": \"9\"", "\"min\": \"nine\""), "adGroups[0].targeting.osVersion.min", "version");
    }

    @Test
    void conversionEventsShouldBeReadWrittenAndDefaultToEveryEventAsTheGoal() throws Exception {
        Catalog sample = CatalogJson.read(SAMPLE);
        AdGroup cpa = sample.adGroup(101);
        AdGroup cpc = sample.adGroup(100);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CatalogJson.write(sample, out);
        Catalog copy = CatalogJson.read(new ByteArrayInputStream(out.toByteArray()));

        assertThat(cpa.conversionEvents()).containsExactly("install");
        assertThat(copy.adGroup(101).conversionEvents()).containsExactly("install");
        assertThat(cpc.conversionEvents()).isEmpty();
        assertThat(copy.adGroup(100).conversionEvents()).isEmpty();
        assertThat(cpa.isGoal("install")).isTrue();
        assertThat(cpa.isGoal("Install")).isFalse();
        assertThat(cpa.isGoal("purchase")).isFalse();
        assertThat(cpa.isGoal("")).as("a conversion without an event name").isTrue();
        assertThat(cpc.isGoal("anything")).isTrue();
        byte[] name = "install".getBytes(StandardCharsets.US_ASCII);
        assertThat(cpa.isGoal(name, name.length)).isTrue();
        assertThat(cpa.isGoal(name, name.length - 1)).isFalse();
    }

    @Test
    void readShouldNameTheConversionEventThatIsRefused() throws Exception {
        String sample = Files.readString(SAMPLE);
        int cpa = groupIndex(sample, 101);
        String field = "adGroups[" + cpa + "].conversionEvents";

        assertError(sample.replace("\"conversionEvents\": [\"install\"]", "\"conversionEvents\": [\"install\", \"buy now\"]"),
                field + "[1]", "must be 1 to 64 letters");
        assertError(sample.replace("\"conversionEvents\": [\"install\"]", "\"conversionEvents\": [\"install\", \"\"]"),
                field + "[1]", "must be 1 to 64 letters");
        assertError(sample.replace("\"conversionEvents\": [\"install\"]", "\"conversionEvents\": [\"" + "x".repeat(65) + "\"]"),
                field + "[0]", "must be 1 to 64 letters");
        assertError(sample.replace("\"conversionEvents\": [\"install\"]", "\"conversionEvents\": [\"install\", \"install\"]"),
                field + "[1]", "repeats \"install\"");
        assertError(sample.replace("\"conversionEvents\": [\"install\"]", "\"conversionEvents\": [7]"), field + "[0]", "must be a string");
        assertError(sample.replace("\"conversionEvents\": [\"install\"]", "\"conversionEvents\": \"install\""), field, "must be an array");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= AdGroup.CONVERSION_EVENTS_MAX; i++) {
            many.append(i == 0 ? "" : ", ").append("\"e").append(i).append('"');
        }
        assertError(sample.replace("\"conversionEvents\": [\"install\"]", "\"conversionEvents\": [" + many + "]"), field,
                "at most 20 event names, had 21");
        // 64 characters of every allowed kind is accepted.
        String longest = "Az09_.-" + "y".repeat(57);
        Catalog ok = CatalogJson.read(new ByteArrayInputStream(sample.replace("\"conversionEvents\": [\"install\"]",
                "\"conversionEvents\": [\"" + longest + "\"]").getBytes(StandardCharsets.UTF_8)));
        assertThat(ok.adGroup(101).conversionEvents()).containsExactly(longest);
    }

    /** The index of the ad group of this id in the sample's adGroups array. */
    private static int groupIndex(String sample, long id) throws Exception {
        com.fasterxml.jackson.databind.JsonNode groups = new com.fasterxml.jackson.databind.ObjectMapper().readTree(sample).get("adGroups");
        for (int i = 0; i < groups.size(); i++) {
            if (groups.get(i).get("id").asLong() == id) {
                return i;
            }
        }
        throw new AssertionError("no ad group " + id);
    }

    @Test
    void streamingReadShouldEqualTheTreeReadWhenTopLevelKeysAreReorderedOrUnknown() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode tree = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(SAMPLE.toFile());
        com.fasterxml.jackson.databind.node.ObjectNode reordered = json.createObjectNode();
        reordered.set("unknownSection", json.readTree("{\"nested\":[1,{\"adGroups\":7}]}"));
        java.util.List<String> keys = new java.util.ArrayList<>();
        tree.fieldNames().forEachRemaining(keys::add);
        java.util.Collections.reverse(keys);
        keys.forEach(k -> reordered.set(k, tree.get(k)));

        Catalog expected = CatalogJson.read(tree);
        Catalog streamed = CatalogJson.read(new ByteArrayInputStream(json.writeValueAsBytes(reordered)));

        assertThat(streamed.version()).isEqualTo(expected.version());
        assertThat(streamed.adGroups()).containsExactlyElementsOf(expected.adGroups());
        assertThat(streamed.creatives()).containsExactlyElementsOf(expected.creatives());
        assertThat(streamed.accounts()).containsExactlyElementsOf(expected.accounts());
        assertError("{\"version\":1,\"adGroups\":{}}", "adGroups", "must be an array");
        assertError("{\"adSpaces\":[7]}", "adSpaces[0]", "must be an object");
        assertError("[]", "$", "must be a JSON object");
    }

    @Test
    void readShouldReportLineAndColumnOfMalformedJson() {
        assertThatThrownBy(() -> CatalogJson.read(new ByteArrayInputStream("{\n \"version\": 1,,\n}".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(CatalogFormatException.class)
                .hasMessageContaining("malformed JSON at line 2");
    }

    @Test
    void readShouldRefuseDuplicateIds() throws Exception {
        String sample = Files.readString(SAMPLE).replaceFirst("\"id\": 101,", "\"id\": 100,");

        assertThatThrownBy(() -> CatalogJson.read(new ByteArrayInputStream(sample.getBytes(StandardCharsets.UTF_8))))
                .hasMessageContaining("duplicate id 100");
    }

    private static void assertError(String document, String field, String message) {
        assertThatThrownBy(() -> CatalogJson.read(new ByteArrayInputStream(document.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOfSatisfying(CatalogFormatException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage()).contains(message);
                });
    }
}
