package io.adengine.events;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class TrackerSignerTest {

    private final TrackerSigner signer = new TrackerSigner("a-key-of-sixteen-bytes!".getBytes(StandardCharsets.UTF_8));
    private final TrackerSigner.Claims claims =
            new TrackerSigner.Claims(TrackerSigner.Purpose.CLICK, "0123456789abcdef0123456789abcdef", 101, 10, 100, 1000, "CPC", 147_500, 1_795_923_486);

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
    void aTokenCarriesItsPurposeAndTheSameClaimsForAnotherPurposeSignToAnotherToken() {
        String click = signer.sign(claims);
        String impression = signer.sign(claims.forPurpose(TrackerSigner.Purpose.IMPRESSION, claims.expiresEpochSeconds()));

        assertThat(signer.verify(click).purpose()).isEqualTo(TrackerSigner.Purpose.CLICK);
        assertThat(signer.verify(impression).purpose()).isEqualTo(TrackerSigner.Purpose.IMPRESSION);
        assertThat(impression).isNotEqualTo(click);
    }

    /** An old-format token: {@code payload}, MACed as the signer does with the test's key (16 bytes of HMAC-SHA256). */
    private static String maced(String payload) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec("a-key-of-sixteen-bytes!".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] full = mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII));
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(payload.getBytes(StandardCharsets.US_ASCII)) + "." + b64.encodeToString(java.util.Arrays.copyOf(full, 16));
    }

    @Test
    void verifyShouldRefuseTheOldPurposelessFormat() throws Exception {
        // A v1 payload (no purpose letter), correctly MACed with the same key: no longer a token.
        String payload = "v1|0123456789abcdef0123456789abcdef|101|10|100|1000|CPC|147500|1795923486";
        String v1 = maced(payload);

        assertThat(signer.verify(v1)).isNull();
    }

    @Test
    void verifyShouldRefuseFormatV2WithoutAReplicaAndFormatOfSaysWhy() throws Exception {
        // A v2 payload (purpose, no replica id), correctly MACed with the same key: refused since format v3.
        String payload = "v2|c|0123456789abcdef0123456789abcdef|101|10|100|1000|CPC|147500|1795923486";
        String v2 = maced(payload);

        assertThat(signer.verify(v2)).isNull();
        assertThat(TrackerSigner.formatOf(v2)).isEqualTo("v2");
        assertThat(TrackerSigner.formatOf(signer.sign(claims))).isEqualTo(TrackerSigner.FORMAT);
        assertThat(TrackerSigner.formatOf("!!!.???")).isNull();
    }

    @Test
    void formatV3TokensStillInFlightAfterTheUpgradeAreAcceptedWithNoUserKey() throws Exception {
        // A v3 payload (replica id, no user key), correctly MACed: minted before v4, accepted as an uncapped ad's token.
        String v3 = maced("v3|c|0123456789abcdef0123456789abcdef|101|10|100|1000|CPC|147500|1795923486|0");

        assertThat(signer.verify(v3)).isEqualTo(claims);
        assertThat(signer.verify(v3).userKey()).isZero();
        // A v3 payload with a fourth-format field, or a v4 payload without one, is not a token.
        assertThat(signer.verify(maced("v3|c|0123456789abcdef0123456789abcdef|101|10|100|1000|CPC|147500|1795923486|0|0000000000000001")))
                .isNull();
        assertThat(signer.verify(maced("v4|c|0123456789abcdef0123456789abcdef|101|10|100|1000|CPC|147500|1795923486|0"))).isNull();
        assertThat(signer.verify(maced("v4|c|0123456789abcdef0123456789abcdef|101|10|100|1000|CPC|147500|1795923486|0|00000000000000G1")))
                .isNull();
    }

    @Test
    void aTokenCarriesTheUserKeyAndAnotherPurposeKeepsIt() {
        TrackerSigner.Claims capped = new TrackerSigner.Claims(TrackerSigner.Purpose.IMPRESSION, claims.impressionId(), 101, 10, 100, 1000,
                "CPM", 5, 1_795_923_486, 0, 0x8000_0000_0000_0001L);

        assertThat(signer.verify(signer.sign(capped)).userKey()).isEqualTo(0x8000_0000_0000_0001L);
        assertThat(signer.verify(signer.sign(capped.forPurpose(TrackerSigner.Purpose.CONVERSION, 1_795_999_999))).userKey())
                .isEqualTo(0x8000_0000_0000_0001L);
    }

    @Test
    void aReplicasTokensNameItAsTheirOwnerAndAnotherPurposeKeepsTheOwner() {
        TrackerSigner replica = new TrackerSigner("a-key-of-sixteen-bytes!".getBytes(StandardCharsets.UTF_8), 3);
        byte[] scratch = new byte[TrackerSigner.SCRATCH_BYTES];
        byte[] token = new byte[TrackerSigner.MAX_TOKEN];
        int n = replica.signInto(TrackerSigner.Purpose.CLICK, claims.impressionId().getBytes(StandardCharsets.US_ASCII), 101, 10, 100, 1000,
                io.adengine.model.BidModel.CPC, 147_500, 1_795_923_486, 0, scratch, token);
        TrackerSigner.Claims got = signer.verify(new String(token, 0, n, StandardCharsets.US_ASCII));

        assertThat(got.replicaId()).isEqualTo(3);
        assertThat(got.forPurpose(TrackerSigner.Purpose.CONVERSION, 1_795_999_999).replicaId()).isEqualTo(3);
        assertThat(signer.verify(signer.sign(got.forPurpose(TrackerSigner.Purpose.CONVERSION, 1_795_999_999))).replicaId()).isEqualTo(3);
        assertThat(signer.verify(signer.sign(claims)).replicaId()).isZero();
        // The longest token fits the buffers.
        int m = new TrackerSigner("a-key-of-sixteen-bytes!".getBytes(StandardCharsets.UTF_8), 9999).signInto(TrackerSigner.Purpose.CONVERSION,
                claims.impressionId().getBytes(StandardCharsets.US_ASCII), Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE,
                io.adengine.model.BidModel.CPM, Long.MAX_VALUE, Long.MAX_VALUE, -1L, scratch, token);
        assertThat(m).isLessThanOrEqualTo(TrackerSigner.MAX_TOKEN);
    }

    private static final String GAID = "38400000-8CF0-11BD-B23E-10B96E40000D";

    /** A click token minted with the GAID sealed in, as the mint writes it. */
    private String sealedClick(TrackerSigner by, String impressionId) {
        byte[] gaid = new byte[16];
        assertThat(TrackerSigner.parseGaid(GAID, gaid)).isTrue();
        byte[] scratch = new byte[TrackerSigner.SCRATCH_BYTES];
        byte[] token = new byte[TrackerSigner.MAX_TOKEN];
        int n = by.signInto(TrackerSigner.Purpose.CLICK, impressionId.getBytes(StandardCharsets.US_ASCII), 101, 10, 100, 1000,
                io.adengine.model.BidModel.CPC, 147_500, 1_795_923_486, 0, gaid, scratch, token);
        return new String(token, 0, n, StandardCharsets.US_ASCII);
    }

    @Test
    void aClickTokenWithASealedGaidRoundTripsAndOpensToTheCanonicalGaid() {
        String token = sealedClick(signer, claims.impressionId());
        TrackerSigner.Claims got = signer.verify(token);

        assertThat(got).isNotNull();
        assertThat(got.sealedGaid()).hasSize(59);
        assertThat(new TrackerSigner.Claims(got.purpose(), got.impressionId(), got.adSpaceId(), got.campaignId(), got.adGroupId(),
                got.creativeId(), got.billing(), got.chargeMicros(), got.expiresEpochSeconds(), got.replicaId(), got.userKey())).isEqualTo(claims);
        assertThat(signer.gaidOf(got)).isEqualTo("38400000-8cf0-11bd-b23e-10b96e40000d");
        // sign() writes the same payload again from the claims.
        assertThat(signer.verify(signer.sign(got))).isEqualTo(got);
        // Neither the token nor its decoded payload shows the GAID, in any case or without its dashes.
        String payload = new String(java.util.Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.US_ASCII);
        for (String shown : new String[]{token, payload}) {
            assertThat(shown.toLowerCase(java.util.Locale.ROOT)).doesNotContain("38400000").doesNotContain("10b96e40000d")
                    .doesNotContain(GAID.replace("-", "").toLowerCase(java.util.Locale.ROOT));
        }
        assertThat(payload.split("\\|", -1)).hasSize(13);
        // A fresh nonce per token: the same GAID seals differently each time.
        assertThat(signer.verify(sealedClick(signer, claims.impressionId())).sealedGaid()).isNotEqualTo(got.sealedGaid());
        // The longest token with a GAID fits the buffers.
        assertThat(token.length()).isLessThanOrEqualTo(TrackerSigner.MAX_TOKEN);
    }

    @Test
    void aTokenWithoutASealedGaidIsTheTwelveFieldV4TokenAndOpensToNothing() {
        String token = signer.sign(claims);
        String payload = new String(java.util.Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.US_ASCII);

        assertThat(payload.split("\\|", -1)).hasSize(12);
        assertThat(signer.verify(token).sealedGaid()).isNull();
        assertThat(signer.gaidOf(signer.verify(token))).isEmpty();
    }

    @Test
    void aTamperedSealedGaidIsRefusedAndASealOfAnotherKeyOrImpressionDoesNotOpen() {
        String token = sealedClick(signer, claims.impressionId());
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            String tampered = token.substring(0, i) + (c == 'A' ? 'B' : 'A') + token.substring(i + 1);
            assertThat(signer.verify(tampered)).as("position %d", i).isNull();
        }
        TrackerSigner.Claims got = signer.verify(token);
        // Even with a valid MAC (say, a leaked tracker key's holder re-signing): altered seal bytes do not open.
        char last = got.sealedGaid().charAt(20);
        String altered = got.sealedGaid().substring(0, 20) + (last == 'A' ? 'B' : 'A') + got.sealedGaid().substring(21);
        TrackerSigner.Claims forged = new TrackerSigner.Claims(got.purpose(), got.impressionId(), got.adSpaceId(), got.campaignId(),
                got.adGroupId(), got.creativeId(), got.billing(), got.chargeMicros(), got.expiresEpochSeconds(), got.replicaId(), got.userKey(), altered);
        assertThat(signer.gaidOf(signer.verify(signer.sign(forged)))).isEmpty();
        // Moved onto another impression's claims.
        TrackerSigner.Claims moved = new TrackerSigner.Claims(got.purpose(), "fedcba9876543210fedcba9876543210", got.adSpaceId(), got.campaignId(),
                got.adGroupId(), got.creativeId(), got.billing(), got.chargeMicros(), got.expiresEpochSeconds(), got.replicaId(), got.userKey(),
                got.sealedGaid());
        assertThat(signer.gaidOf(signer.verify(signer.sign(moved)))).isEmpty();
        // Sealed under another tracker key.
        TrackerSigner other = new TrackerSigner("another-key-of-16-bytes".getBytes(StandardCharsets.UTF_8));
        assertThat(other.gaidOf(other.verify(other.sign(got)))).isEmpty();
        // Not base64url of the right length.
        TrackerSigner.Claims junk = new TrackerSigner.Claims(got.purpose(), got.impressionId(), got.adSpaceId(), got.campaignId(),
                got.adGroupId(), got.creativeId(), got.billing(), got.chargeMicros(), got.expiresEpochSeconds(), got.replicaId(), got.userKey(),
                "!".repeat(59));
        assertThat(signer.gaidOf(junk)).isEmpty();
    }

    @Test
    void onlyAClickTokenCarriesASealedGaidAndItsClickIdDropsIt() throws Exception {
        TrackerSigner.Claims got = signer.verify(sealedClick(signer, claims.impressionId()));
        String sealed = got.sealedGaid();

        assertThat(got.forPurpose(TrackerSigner.Purpose.CONVERSION, 1_795_999_999).sealedGaid()).isNull();
        for (TrackerSigner.Purpose p : new TrackerSigner.Purpose[]{TrackerSigner.Purpose.IMPRESSION, TrackerSigner.Purpose.CONVERSION}) {
            TrackerSigner.Claims wrong = new TrackerSigner.Claims(p, got.impressionId(), got.adSpaceId(), got.campaignId(), got.adGroupId(),
                    got.creativeId(), got.billing(), got.chargeMicros(), got.expiresEpochSeconds(), got.replicaId(), got.userKey(), sealed);
            assertThat(signer.verify(signer.sign(wrong))).as("%s", p).isNull();
        }
        assertThat(signer.verify(maced("v4|c|0123456789abcdef0123456789abcdef|101|10|100|1000|CPC|147500|1795923486|0|0000000000000000|short")))
                .isNull();
        assertThat(signer.verify(maced("v4|c|0123456789abcdef0123456789abcdef|101|10|100|1000|CPC|147500|1795923486|0|0000000000000000|"
                + sealed + "|x"))).isNull();
        assertThat(signer.verify(maced("v3|c|0123456789abcdef0123456789abcdef|101|10|100|1000|CPC|147500|1795923486|0|" + sealed))).isNull();
        byte[] scratch = new byte[TrackerSigner.SCRATCH_BYTES];
        byte[] token = new byte[TrackerSigner.MAX_TOKEN];
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> signer.signInto(TrackerSigner.Purpose.IMPRESSION,
                claims.impressionId().getBytes(StandardCharsets.US_ASCII), 101, 10, 100, 1000, io.adengine.model.BidModel.CPC, 1, 1, 0,
                new byte[16], scratch, token)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parseGaidShouldFollowTheRulesOfTheGaidKey() {
        io.adengine.audience.GaidKey keys = new io.adengine.audience.GaidKey();
        byte[] key = new byte[16];
        byte[] bytes = new byte[16];
        String[] cases = {GAID, " 38400000-8cf0-11bd-b23e-10b96e40000d\t", "00000000-0000-0000-0000-000000000000", "",
                "38400000-8cf0-11bd-b23e-10b96e40000", "38400000-8cf0-11bd-b23e-10b96e40000dd", "38400000_8cf0-11bd-b23e-10b96e40000d",
                "38400000-8cf0-11bd-b23e-10b96e40000g", "38400000-8cf0-11bd-b23e-10b96e40000\u0663", "3840000-08cf0-11bd-b23e-10b96e40000d",
                "00000000-0000-0000-0000-000000000001"};
        for (String c : cases) {
            boolean valid = keys.ofGaid(c, key);
            assertThat(TrackerSigner.parseGaid(c, bytes)).as("%s", c).isEqualTo(valid);
            if (valid) {
                assertThat(GaidSeal.canonical(bytes)).isEqualTo(c.trim().toLowerCase(java.util.Locale.ROOT));
            }
        }
        assertThat(TrackerSigner.parseGaid(null, bytes)).isFalse();
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

    @Test
    void signIntoShouldWriteExactlyTheTokenSignWrites() {
        long seed = Long.getLong("property.seed", System.nanoTime());
        java.util.Random r = new java.util.Random(seed);
        byte[] scratch = new byte[TrackerSigner.SCRATCH_BYTES];
        byte[] token = new byte[TrackerSigner.MAX_TOKEN];
        long[] edges = {0, 1, 9, 10, 99, Long.MAX_VALUE, Long.MAX_VALUE - 1, 1_000_000_000_000L};
        for (int i = 0; i < 5_000; i++) {
            String id = String.format("%016x%016x", r.nextLong(), r.nextLong());
            long[] v = new long[6];
            for (int k = 0; k < v.length; k++) {
                v[k] = r.nextInt(4) == 0 ? edges[r.nextInt(edges.length)] : r.nextLong() >>> r.nextInt(64);
            }
            io.adengine.model.BidModel billing = io.adengine.model.BidModel.values()[r.nextInt(io.adengine.model.BidModel.values().length)];
            TrackerSigner.Purpose purpose = TrackerSigner.Purpose.values()[r.nextInt(TrackerSigner.Purpose.values().length)];
            long userKey = r.nextInt(3) == 0 ? 0 : r.nextLong();
            TrackerSigner.Claims c = new TrackerSigner.Claims(purpose, id, v[0], v[1], v[2], v[3], billing.name(), v[4], v[5], 0, userKey);
            int n = signer.signInto(purpose, id.getBytes(StandardCharsets.US_ASCII), v[0], v[1], v[2], v[3], billing, v[4], v[5], userKey,
                    scratch, token);
            assertThat(new String(token, 0, n, StandardCharsets.US_ASCII)).as("seed %d, try %d", seed, i).isEqualTo(signer.sign(c));
            assertThat(signer.verify(new String(token, 0, n, StandardCharsets.US_ASCII))).as("seed %d, try %d", seed, i).isEqualTo(c);
        }
    }

    @Test
    void signIntoShouldEqualSignForKeysLongerThanAnHmacBlockAndAllocateNothing() {
        byte[] scratch = new byte[TrackerSigner.SCRATCH_BYTES];
        byte[] token = new byte[TrackerSigner.MAX_TOKEN];
        byte[] id = claims.impressionId().getBytes(StandardCharsets.US_ASCII);
        for (int length : new int[] {16, 63, 64, 65, 100, 200}) {
            byte[] key = new byte[length];
            for (int i = 0; i < length; i++) {
                key[i] = (byte) (i * 31 + length);
            }
            TrackerSigner s = new TrackerSigner(key);
            int n = s.signInto(TrackerSigner.Purpose.CLICK, id, 101, 10, 100, 1000, io.adengine.model.BidModel.CPC, 147_500, 1_795_923_486, 0,
                    scratch, token);
            assertThat(new String(token, 0, n, StandardCharsets.US_ASCII)).as("key of %d bytes", length).isEqualTo(s.sign(claims));
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20_000; i++) {
            signer.signInto(TrackerSigner.Purpose.CLICK, id, 101, 10, 100, 1000, io.adengine.model.BidModel.CPC, 147_500, i, 0, scratch, token);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 20_000; i++) {
            signer.signInto(TrackerSigner.Purpose.CLICK, id, 101, 10, 100, 1000, io.adengine.model.BidModel.CPC, 147_500, i, 0, scratch, token);
        }
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).as("bytes for 20,000 tokens").isLessThan(20_000);
    }

    @Test
    void asciiBase64ShouldEqualTheJdkEncoderWithoutPadding() {
        long seed = Long.getLong("property.seed", System.nanoTime());
        java.util.Random r = new java.util.Random(seed);
        byte[] out = new byte[400];
        for (int len = 0; len < 200; len++) {
            byte[] src = new byte[len + 3];
            r.nextBytes(src);
            int n = Ascii.putBase64Url(src, 1, len, out, 2) - 2;
            byte[] exact = java.util.Arrays.copyOfRange(src, 1, 1 + len);
            assertThat(new String(out, 2, n, StandardCharsets.US_ASCII)).as("seed %d, length %d", seed, len)
                    .isEqualTo(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(exact));
        }
    }

    @Test
    void asciiDecimalAndHexShouldEqualTheJdkFormatting() {
        long seed = Long.getLong("property.seed", System.nanoTime());
        java.util.Random r = new java.util.Random(seed);
        byte[] out = new byte[40];
        for (int i = 0; i < 10_000; i++) {
            long v = i < 4 ? new long[] {0, Long.MIN_VALUE, Long.MAX_VALUE, -1}[i] : r.nextLong() >> r.nextInt(64);
            int n = Ascii.putDecimal(out, 3, v) - 3;
            assertThat(new String(out, 3, n, StandardCharsets.US_ASCII)).as("seed %d", seed).isEqualTo(Long.toString(v));
            Ascii.putHex16(out, 1, v);
            assertThat(new String(out, 1, 16, StandardCharsets.US_ASCII)).as("seed %d", seed).isEqualTo(String.format("%016x", v));
        }
    }
}
