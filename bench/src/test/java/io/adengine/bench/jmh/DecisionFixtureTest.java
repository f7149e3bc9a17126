package io.adengine.bench.jmh;

import io.adengine.bench.workload.WorkloadSize;
import io.adengine.match.AdDecider;
import io.adengine.match.AdRequest;
import io.adengine.match.Decision;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The decision benchmark's setup must measure real decisions: a full-size catalog and requests that fill. */
class DecisionFixtureTest {

    @Test
    void fixtureShouldHoldHundredThousandGroupsAndFillMostRequestsWhenWorkloadIsM() {
        DecisionFixture fixture = new DecisionFixture(WorkloadSize.M, 1, DecisionBenchmark.REQUESTS);
        AdDecider decider = new AdDecider();
        Decision decision = new Decision();
        int filled = 0;
        long candidates = 0;
        for (AdRequest request : fixture.requests()) {
            candidates += decider.filter(fixture.snapshot(), request, fixture.snapshot().adSpace(request.adSpaceId()), null)
                    .getLongCardinality();
            if (decider.decide(fixture.snapshot(), request, decision).filled() > 0) {
                filled++;
            }
        }

        assertThat(fixture.catalog().adGroups()).hasSize(100_000);
        assertThat(fixture.snapshot().size()).isEqualTo(100_000);
        assertThat(fixture.snapshot().eligible().getLongCardinality()).isEqualTo(100_000);
        assertThat(fixture.requests()).hasSize(DecisionBenchmark.REQUESTS);
        assertThat(filled).isGreaterThan(DecisionBenchmark.REQUESTS / 2);
        assertThat(candidates / DecisionBenchmark.REQUESTS).isGreaterThan(10);
    }
}
