package io.adengine.catalog;

import io.adengine.model.Catalog;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
