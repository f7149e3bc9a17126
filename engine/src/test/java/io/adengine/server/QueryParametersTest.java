package io.adengine.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Query decoding names the parameter it fails on; numbers have one spelling. */
class QueryParametersTest {

    @Test
    void aBadEscapeShouldNameItsParameter() {
        assertThatThrownBy(() -> QueryParameters.of("/v1/events/imp?x=1&t=ab%zzcd"))
                .isInstanceOfSatisfying(BadParameter.class, e -> {
                    assertThat(e.field).isEqualTo("t");
                    assertThat(e.getMessage()).contains("percent-encoding");
                });
        assertThatThrownBy(() -> QueryParameters.of("/r?a%4=1")).isInstanceOfSatisfying(BadParameter.class,
                e -> assertThat(e.field).isEqualTo("a%4"));
        assertThatThrownBy(() -> QueryParameters.of("/r?limit=%")).isInstanceOfSatisfying(BadParameter.class,
                e -> assertThat(e.field).isEqualTo("limit"));
    }

    @Test
    void valuesShouldBeDecodedAndRepeatsRefused() throws Exception {
        QueryParameters q = QueryParameters.of("/r?t=a%2Bb&type=gaid&empty=&flag");
        assertThat(q.one("t")).isEqualTo("a+b");
        assertThat(q.one("type")).isEqualTo("gaid");
        assertThat(q.one("empty")).isEmpty();
        assertThat(q.one("flag")).isEmpty();
        assertThat(q.one("missing")).isNull();
        assertThatThrownBy(() -> QueryParameters.of("/r?id=1&id=2").one("id")).isInstanceOf(BadParameter.class).hasMessageContaining("2 times");
    }

    @Test
    void onlyCanonicalDecimalShouldBeANumber() {
        assertThat(QueryParameters.canonical("0")).isZero();
        assertThat(QueryParameters.canonical("7")).isEqualTo(7);
        assertThat(QueryParameters.canonical("-12")).isEqualTo(-12);
        assertThat(QueryParameters.canonical("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        for (String bad : new String[] {"+5", "07", "-0", "00", " 5", "5 ", "", "-", "1e3", "5.0", "0x10", "9223372036854775808", "٣"}) {
            assertThat(QueryParameters.canonical(bad)).as(bad).isEqualTo(Long.MIN_VALUE);
        }
    }

    @Test
    void rangesShouldBeCheckedAndNamed() throws Exception {
        QueryParameters q = QueryParameters.of("/r?limit=-1&offset=-5&accountId=+5");
        assertThatThrownBy(() -> q.number("limit", 1, 10_000, 1_000)).isInstanceOfSatisfying(BadParameter.class,
                e -> assertThat(e.getMessage()).contains("limit must be an integer 1..10000"));
        assertThat(q.number("offset", -12, 12, 0)).isEqualTo(-5);
        assertThatThrownBy(() -> q.requiredNumber("accountId", 1, Long.MAX_VALUE)).isInstanceOf(BadParameter.class);
        assertThatThrownBy(() -> q.requiredNumber("absent", 1, 2)).hasMessageContaining("absent is required");
    }
}
