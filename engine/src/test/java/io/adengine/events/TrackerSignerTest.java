package io.adengine.events;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class TrackerSignerTest {

    private final TrackerSigner signer = new TrackerSigner("a-key-of-sixteen-bytes!".getBytes(StandardCharsets.UTF_8));
    private final TrackerSigner.Claims claims =
            new TrackerSigner.Claims("0123456789abcdef0123456789abcdef", 101, 10, 100, 1000, "CPC", 147_500, 1_795_923_486);

    @Test
    void verifyShouldReturnTheClaimsOfASignedToken() {
        assertThat(signer.verify(signer.sign(claims))).isEqualTo(claims);
    }

    @Test
    void verifyShouldRefuseAnyTamperedCharacter() {
        String token = signer.sign(claims);
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            String tampered = token.substring(0, i) + (c == 'A' ? 'B' : 'A') + token.substring(i + 1);
            assertThat(signer.verify(tampered)).as("position %d", i).isNull();
        }
    }

    @Test
    void verifyShouldAcceptOnlyTheCanonicalSpellingOfAToken() {
        // Base64 leaves unused low bits in a last character that holds fewer than 6 bits of data, so
        // several characters there decode to the same bytes; only the one the signer writes is accepted.
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        String token = signer.sign(claims);
        for (int i = 0; i < token.length(); i++) {
            for (char c : alphabet.toCharArray()) {
                if (c == token.charAt(i) || token.charAt(i) == '.') {
                    continue;
                }
                String other = token.substring(0, i) + c + token.substring(i + 1);
                assertThat(signer.verify(other)).as("%c at position %d", c, i).isNull();
            }
        }
        int dot = token.indexOf('.');
        assertThat(signer.verify(token + "==")).isNull();
        assertThat(signer.verify(token.substring(0, dot) + "=." + token.substring(dot + 1))).isNull();
    }

    @Test
    void verifyShouldRefuseATokenSignedWithAnotherKey() {
        TrackerSigner other = new TrackerSigner("another-key-of-16-bytes".getBytes(StandardCharsets.UTF_8));

        assertThat(signer.verify(other.sign(claims))).isNull();
    }

    @Test
    void verifyShouldRefuseMalformedTokens() {
        assertThat(signer.verify(null)).isNull();
        assertThat(signer.verify("")).isNull();
        assertThat(signer.verify("no-dot")).isNull();
        assertThat(signer.verify("!!!.???")).isNull();
        assertThat(signer.verify("x".repeat(5000))).isNull();
    }
}
