package io.adengine.bench.workload;

import io.adengine.model.AdGroup;
import io.adengine.model.Catalog;
import io.adengine.catalog.CatalogJson;
import io.adengine.model.Dimension;
import io.adengine.model.Eligibility;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

class CatalogGeneratorTest {

    @Test
    void generateShouldProduceTheCountsOfTheTableWhenSizeIsS() {
        Catalog catalog = new CatalogGenerator(WorkloadSize.S, 7).generate();

        assertThat(catalog.accounts()).hasSize(50);
        assertThat(catalog.campaigns()).hasSize(200);
        assertThat(catalog.adGroups()).hasSize(1_000);
        assertThat(catalog.creatives()).hasSize(3_000);
        assertThat(catalog.adSpaces()).hasSize(50);
        assertThat(catalog.adSpaces().stream().map(s -> s.publisherId()).distinct()).hasSize(10);
        assertThat(catalog.adGroups()).allSatisfy(g -> assertThat(Eligibility.check(catalog, g)).isNull());
    }

    @Test
    void generateShouldWriteIdenticalDocumentsWhenSeedIsTheSame() throws IOException {
        byte[] first = json(new CatalogGenerator(WorkloadSize.S, 42).generate());
        byte[] second = json(new CatalogGenerator(WorkloadSize.S, 42).generate());
        byte[] other = json(new CatalogGenerator(WorkloadSize.S, 43).generate());

        assertThat(second).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void writtenCatalogShouldReadBackWhenLoadedByTheEngineReader() throws IOException {
        Catalog catalog = new CatalogGenerator(WorkloadSize.S, 3).generate();

        Catalog back = CatalogJson.read(new ByteArrayInputStream(json(catalog)));

        assertThat(back.adGroups()).containsExactlyElementsOf(catalog.adGroups());
        assertThat(back.creatives()).containsExactlyElementsOf(catalog.creatives());
        assertThat(back.adSpaces()).containsExactlyElementsOf(catalog.adSpaces());
    }

    @Test
    void targetingMixShouldMatchTheBenchmarkTableWhenCountedOverManyGroups() {
        Catalog catalog = new CatalogGenerator(WorkloadSize.S, 11).generate();

        assertThat(share(catalog, g -> !g.schedule().hours().isAllDay())).isBetween(0.25, 0.35);
        assertThat(share(catalog, g -> !g.targeting().osVersion().isAny())).isBetween(0.25, 0.35);
        assertThat(share(catalog, g -> g.targeting().dimensions().containsKey(Dimension.LANGUAGE))).isBetween(0.25, 0.35);
        assertThat(share(catalog, g -> g.targeting().dimensions().containsKey(Dimension.NETWORK))).isBetween(0.16, 0.24);
        assertThat(share(catalog, g -> !g.adSpaceIds().isEmpty())).isBetween(0.16, 0.24);
        assertThat(share(catalog, g -> !g.targeting().age().isAny())).isBetween(0.35, 0.45);
        assertThat(share(catalog, g -> !g.targeting().includeAudiences().isEmpty())).isBetween(0.25, 0.35);
        assertThat(catalog.adGroups().stream().map(g -> g.schedule().zone()).distinct()).hasSize(25);
        assertThat(catalog.adGroups().stream().map(g -> g.bid().model()).distinct()).hasSize(4);
        assertThat(catalog.adGroups()).allSatisfy(g -> {
            int countries = g.targeting().rule(Dimension.COUNTRY).include().size();
            assertThat(countries).isBetween(1, 10);
            assertThat(g.placements().size()).isBetween(1, 3);
        });
    }

    private static double share(Catalog catalog, Predicate<AdGroup> p) {
        return catalog.adGroups().stream().filter(p).count() / (double) catalog.adGroups().size();
    }

    private static byte[] json(Catalog catalog) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CatalogJson.write(catalog, out);
        return out.toByteArray();
    }
}
