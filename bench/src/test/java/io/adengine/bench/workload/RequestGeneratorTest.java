package io.adengine.bench.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RequestGeneratorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void requestsShouldMatchTheUsersCountryAndBeDeterministicWhenGenerated() throws Exception {
        RequestGenerator generator = new RequestGenerator(WorkloadSize.S, 9);
        int unknown = 0;
        Set<String> countries = new HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            RequestSpec r = generator.request(i);
            assertThat(generator.request(i)).isEqualTo(r);
            JsonNode body = JSON.readTree(r.toJson());
            assertThat(body.path("adSpaceId").asLong()).isBetween(1L, 50L);
            assertThat(body.path("count").asInt()).isBetween(1, 3);
            Geography.Country country = Geography.COUNTRIES.stream()
                    .filter(c -> c.code().equals(body.path("geo").path("country").asText())).findFirst().orElseThrow();
            assertThat(country.carriers()).contains(body.path("device").path("carrier").asText());
            assertThat(country.languages()).contains(body.path("device").path("language").asText());
            assertThat(body.path("geo").path("region").asText()).startsWith(country.code() + "-");
            countries.add(country.code());
            if (r.userIndex() < 0) {
                unknown++;
            } else {
                assertThat(r.gaid()).isEqualTo(generator.users().gaid(r.userIndex()));
            }
        }
        assertThat(unknown / 5_000.0).isBetween(0.08, 0.12);
        assertThat(countries.size()).isGreaterThan(20);
    }

    @Test
    void unknownGaidsShouldNeverEqualKnownOnesWhenDrawnFromTheSamePopulation() {
        UserPopulation users = new UserPopulation(1, 100_000);
        Set<String> known = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            known.add(users.gaid(i));
        }
        assertThat(known).hasSize(100_000);
        long collisions = java.util.stream.LongStream.range(0, 100_000).mapToObj(users::unknownGaid).filter(known::contains).count();
        assertThat(collisions).isZero();
        assertThat(users.gaid(0)).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}");
    }
}
