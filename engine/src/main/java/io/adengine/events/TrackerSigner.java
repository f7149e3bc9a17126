package io.adengine.events;

import io.adengine.model.BidModel;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Signs and verifies tracker tokens. A token is {@code base64url(payload) "." base64url(mac)} where the
 * payload is {@code v4|purpose|impressionId|adSpaceId|campaignId|adGroupId|creativeId|billing|chargeMicros|expiresEpochSeconds|replicaId|userKey}
 * and the MAC is the first 16 bytes of HMAC-SHA256 over the payload bytes. The purpose ({@link Purpose}: one
 * letter) binds a token to one tracker: an impression token is not a click or a conversion token. The replica id
 * (format v3) names the replica that served the ad and alone counts its events (0: a single engine). The user key
 * (format v4: 16 hex digits) is the user's frequency key ({@code events.FrequencyKeys}, pseudonymous) when the ad is
 * frequency-capped, so the pipeline can count the user's events; {@code 0000000000000000} otherwise and whenever the
 * request's privacy signals forbid user data. A click token may end in a 13th field, the sealed GAID
 * ({@code …|userKey|sealedGaid}, 59 base64url characters, {@link GaidSeal}: AES-GCM under a key derived from the tracker
 * key, never the GAID in plain text): only for an ad whose creative's click URL or deeplink holds the {@code {gaid}}
 * macro and whose request allows user data and carries a valid GAID; the click redirect opens it ({@link #gaidOf}) to
 * fill the macro. The MAC covers it like every field; a token of another purpose with it is refused. Tokens
 * without it are exactly the 12-field v4 tokens of before. v3 tokens (minted before v4, still in flight after an upgrade) are
 * accepted with no user key; the older formats (v1 purpose-less, v2 without the replica) are refused
 * ({@link #formatOf} tells them apart).
 * Thread-safe: each thread gets its own {@link Mac}.
 */
public final class TrackerSigner {

    private static final int MAC_BYTES = 16;
    /** The token format this signer writes. */
    public static final String FORMAT = "v4";
    /** The previous format, still accepted (with no user key). */
    static final String FORMAT_V3 = "v3";
    /**
     * Longest payload {@link #signInto} writes: "v4|", a purpose letter, a 32-digit id, six decimal longs, a billing model
     * name, a replica id, a 16-digit user key, a sealed GAID, twelve bars.
     */
    static final int MAX_PAYLOAD = 3 + 1 + 32 + 6 * 20 + 3 + 4 + 16 + GaidSeal.SEALED_CHARS + 12;

    /** What a token may be used for: the tracker endpoint that accepts it. */
    public enum Purpose {
        /** {@code GET /v1/events/imp}: in the answer's impression tracker. */
        IMPRESSION('i'),
        /** {@code GET /v1/events/click}: in the answer's click tracker. */
        CLICK('c'),
        /** A conversion postback: minted when a click is counted (the click id), or for view-through ad groups in the answer. */
        CONVERSION('v');

        final byte letter;

        Purpose(char letter) {
            this.letter = (byte) letter;
        }

        static Purpose ofLetter(String s) {
            for (Purpose p : values()) {
                if (s.length() == 1 && s.charAt(0) == p.letter) {
                    return p;
                }
            }
            return null;
        }
    }
    /** Longest token {@link #signInto} writes. */
    public static final int MAX_TOKEN = (MAX_PAYLOAD + 2) / 3 * 4 + 1 + (MAC_BYTES + 2) / 3 * 4;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final ThreadLocal<Mac> macs;
    // The key XOR the HMAC pads (a key over a block is hashed first, as HMAC says), for signInto's allocation-free HMAC.
    private final byte[] innerPad = new byte[64];
    private final byte[] outerPad = new byte[64];
    private final ThreadLocal<MessageDigest> sha256s;
    private final int replicaId;
    private final GaidSeal gaids;

    /** A single engine's signer: its tokens carry replica id 0. */
    public TrackerSigner(byte[] key) {
        this(key, 0);
    }

    /** The signer of cluster replica {@code replicaId} (0..9999; 0: a single engine): its tokens name it as their owner. */
    public TrackerSigner(byte[] key, int replicaId) {
        if (replicaId < 0 || replicaId > 9999) {
            throw new IllegalArgumentException("replica id must be 0..9999, was " + replicaId);
        }
        this.replicaId = replicaId;
        if (key.length < 16) {
            throw new IllegalArgumentException("tracker key needs at least 16 bytes");
        }
        byte[] copy = key.clone();
        this.gaids = new GaidSeal(copy);
        byte[] block = copy;
        try {
            if (block.length > 64) {
                block = MessageDigest.getInstance("SHA-256").digest(copy);
            }
            this.sha256s = ThreadLocal.withInitial(() -> {
                try {
                    return MessageDigest.getInstance("SHA-256");
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("SHA-256 is not available", e);
                }
            });
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
        for (int i = 0; i < 64; i++) {
            byte k = i < block.length ? block[i] : 0;
            innerPad[i] = (byte) (k ^ 0x36);
            outerPad[i] = (byte) (k ^ 0x5c);
        }
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(copy, "HmacSHA256"));
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e);
            }
        });
    }

    /** The replica id this signer's tokens carry (0: a single engine). */
    public int replicaId() {
        return replicaId;
    }

    /**
     * What a tracker token carries; {@code replicaId} is the replica that served the ad, the one that counts its
     * events (0: a single engine). {@code sealedGaid} is a click token's sealed advertising id as the token spells it
     * (base64url, opened by {@link #gaidOf}), or {@code null}.
     */
    public record Claims(Purpose purpose, String impressionId, long adSpaceId, long campaignId, long adGroupId, long creativeId,
                         String billing, long chargeMicros, long expiresEpochSeconds, int replicaId, long userKey, String sealedGaid) {

        /** Claims without a sealed GAID. */
        public Claims(Purpose purpose, String impressionId, long adSpaceId, long campaignId, long adGroupId, long creativeId,
                      String billing, long chargeMicros, long expiresEpochSeconds, int replicaId, long userKey) {
            this(purpose, impressionId, adSpaceId, campaignId, adGroupId, creativeId, billing, chargeMicros, expiresEpochSeconds, replicaId, userKey, null);
        }

        /** Claims without a user key. */
        public Claims(Purpose purpose, String impressionId, long adSpaceId, long campaignId, long adGroupId, long creativeId,
                      String billing, long chargeMicros, long expiresEpochSeconds, int replicaId) {
            this(purpose, impressionId, adSpaceId, campaignId, adGroupId, creativeId, billing, chargeMicros, expiresEpochSeconds, replicaId, 0);
        }

        /** Claims of a single engine (replica id 0). */
        public Claims(Purpose purpose, String impressionId, long adSpaceId, long campaignId, long adGroupId, long creativeId,
                      String billing, long chargeMicros, long expiresEpochSeconds) {
            this(purpose, impressionId, adSpaceId, campaignId, adGroupId, creativeId, billing, chargeMicros, expiresEpochSeconds, 0);
        }

        /**
         * The same claims (owner included) for another purpose and expiry (the conversion token a counted click mints),
         * without the sealed GAID: the click id goes to the measurement partner and carries no advertising id.
         */
        public Claims forPurpose(Purpose p, long expires) {
            return new Claims(p, impressionId, adSpaceId, campaignId, adGroupId, creativeId, billing, chargeMicros, expires, replicaId, userKey, null);
        }
    }

    /** Signs the claims (with their own replica id) into a URL-safe token. */
    public String sign(Claims c) {
        String payload = FORMAT + "|" + (char) c.purpose().letter + '|' + c.impressionId() + '|' + c.adSpaceId() + '|' + c.campaignId() + '|' + c.adGroupId() + '|'
                + c.creativeId() + '|' + c.billing() + '|' + c.chargeMicros() + '|' + c.expiresEpochSeconds() + '|' + c.replicaId() + '|'
                + String.format("%016x", c.userKey()) + (c.sealedGaid() == null ? "" : "|" + c.sealedGaid());
        byte[] bytes = payload.getBytes(StandardCharsets.US_ASCII);
        return ENCODER.encodeToString(bytes) + '.' + ENCODER.encodeToString(mac(bytes));
    }

    /**
     * Signs the claims of one impression, owned by this signer's replica, into {@code token} (ASCII) without
     * allocating, exactly as {@link #sign} would; returns the token's length. {@code scratch} holds the payload and the MAC
     * ({@link #SCRATCH_BYTES} bytes at least); {@code impressionId} is 32 lower-case hex digits. The token carries no GAID.
     */
    public int signInto(Purpose purpose, byte[] impressionId, long adSpaceId, long campaignId, long adGroupId, long creativeId, BidModel billing,
                        long chargeMicros, long expiresEpochSeconds, long userKey, byte[] scratch, byte[] token) {
        return signInto(purpose, impressionId, adSpaceId, campaignId, adGroupId, creativeId, billing, chargeMicros, expiresEpochSeconds, userKey,
                null, scratch, token);
    }

    /**
     * As {@link #signInto(Purpose, byte[], long, long, long, long, BidModel, long, long, long, byte[], byte[])}, and a click
     * token with {@code gaid} (the 16 bytes of a valid GAID's UUID form, or {@code null}: none) seals it into its 13th
     * field. Without a GAID it is exactly the other overload; sealing one costs a cipher initialisation (about 1.3 KB, {@link GaidSeal}).
     */
    public int signInto(Purpose purpose, byte[] impressionId, long adSpaceId, long campaignId, long adGroupId, long creativeId, BidModel billing,
                        long chargeMicros, long expiresEpochSeconds, long userKey, byte[] gaid, byte[] scratch, byte[] token) {
        if (gaid != null && purpose != Purpose.CLICK) {
            throw new IllegalArgumentException("only a click token carries a GAID");
        }
        int n = 0;
        scratch[n++] = 'v';
        scratch[n++] = '4';
        scratch[n++] = '|';
        scratch[n++] = purpose.letter;
        scratch[n++] = '|';
        System.arraycopy(impressionId, 0, scratch, n, 32);
        n += 32;
        scratch[n++] = '|';
        n = Ascii.putDecimal(scratch, n, adSpaceId);
        scratch[n++] = '|';
        n = Ascii.putDecimal(scratch, n, campaignId);
        scratch[n++] = '|';
        n = Ascii.putDecimal(scratch, n, adGroupId);
        scratch[n++] = '|';
        n = Ascii.putDecimal(scratch, n, creativeId);
        scratch[n++] = '|';
        byte[] name = BILLING_NAMES[billing.ordinal()];
        System.arraycopy(name, 0, scratch, n, name.length);
        n += name.length;
        scratch[n++] = '|';
        n = Ascii.putDecimal(scratch, n, chargeMicros);
        scratch[n++] = '|';
        n = Ascii.putDecimal(scratch, n, expiresEpochSeconds);
        scratch[n++] = '|';
        n = Ascii.putDecimal(scratch, n, replicaId);
        scratch[n++] = '|';
        Ascii.putHex16(scratch, n, userKey);
        n += 16;
        if (gaid != null) {
            gaids.seal(gaid, impressionId, scratch, SEALED_AT);
            scratch[n++] = '|';
            n = Ascii.putBase64Url(scratch, SEALED_AT, GaidSeal.SEALED_BYTES, scratch, n);
        }
        // HMAC-SHA256 (RFC 2104) composed over the thread's SHA-256 digest: Mac.doFinal allocates its result on every
        // call, and this runs twice per ad on the serving path. signIntoShouldWriteExactlyTheTokenSignWrites checks it
        // against the JDK's Mac, which sign() uses.
        MessageDigest d = sha256s.get();
        try {
            d.update(innerPad);
            d.update(scratch, 0, n);
            d.digest(scratch, MAX_PAYLOAD, 32);
            d.update(outerPad);
            d.update(scratch, MAX_PAYLOAD, 32);
            d.digest(scratch, MAX_PAYLOAD, 32);
        } catch (java.security.DigestException e) {
            throw new IllegalArgumentException("scratch must hold " + SCRATCH_BYTES + " bytes", e);
        }
        int t = Ascii.putBase64Url(scratch, 0, n, token, 0);
        token[t++] = '.';
        return Ascii.putBase64Url(scratch, MAX_PAYLOAD, MAC_BYTES, token, t);
    }

    /** Where in the scratch array the sealed GAID is made before its base64url goes into the payload. */
    private static final int SEALED_AT = MAX_PAYLOAD + 32;
    /** Bytes of the scratch array {@link #signInto} needs: the longest payload, a full HMAC-SHA256 and a sealed GAID. */
    public static final int SCRATCH_BYTES = SEALED_AT + GaidSeal.SEALED_BYTES;

    private static final byte[][] BILLING_NAMES = new byte[BidModel.values().length][];

    static {
        for (BidModel m : BidModel.values()) {
            BILLING_NAMES[m.ordinal()] = m.name().getBytes(StandardCharsets.US_ASCII);
        }
    }

    /**
     * The claims of a token whose signature is valid, or {@code null} for a forged, truncated or
     * malformed token. Expiry is the caller's check (it needs the clock).
     */
    public Claims verify(String token) {
        if (token == null || token.length() > 1024) {
            return null;
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return null;
        }
        byte[] payload;
        try {
            payload = DECODER.decode(token.substring(0, dot));
        } catch (IllegalArgumentException e) {
            return null;
        }
        // Compare the text of the MAC, not its decoded bytes, and only accept the payload's own spelling:
        // base64 has several spellings of one byte string (padding, unused low bits of the last character),
        // and a token must have exactly one.
        byte[] expected = ENCODER.encodeToString(mac(payload)).getBytes(StandardCharsets.US_ASCII);
        byte[] given = token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(given, expected) || !ENCODER.encodeToString(payload).equals(token.substring(0, dot))) {
            return null;
        }
        String[] f = new String(payload, StandardCharsets.US_ASCII).split("\\|", -1);
        boolean sealed = f.length == 13 && FORMAT.equals(f[0]);
        boolean v4 = f.length == 12 && FORMAT.equals(f[0]) || sealed;
        if (!v4 && !(f.length == 11 && FORMAT_V3.equals(f[0])) || Purpose.ofLetter(f[1]) == null) {
            return null;
        }
        // Only a click token carries a sealed GAID, of exactly its length (its spelling is checked when opened).
        if (sealed && (Purpose.ofLetter(f[1]) != Purpose.CLICK || f[12].length() != GaidSeal.SEALED_CHARS)) {
            return null;
        }
        try {
            int replica = Integer.parseInt(f[10]);
            if (replica < 0 || replica > 9999 || v4 && !f[11].matches("[0-9a-f]{16}")) {
                return null;
            }
            return new Claims(Purpose.ofLetter(f[1]), f[2], Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]),
                    f[7], Long.parseLong(f[8]), Long.parseLong(f[9]), replica, v4 ? Long.parseUnsignedLong(f[11], 16) : 0, sealed ? f[12] : null);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The format a token's payload names ({@code "v1"}, {@code "v2"}, {@code "v3"}), read without checking the
     * signature, or {@code null} when unreadable: only for telling a caller why a token {@link #verify} refused was
     * refused (an older format is "no longer accepted", not "forged").
     */
    public static String formatOf(String token) {
        if (token == null || token.length() > 1024) {
            return null;
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return null;
        }
        try {
            byte[] payload = DECODER.decode(token.substring(0, dot));
            String s = new String(payload, StandardCharsets.US_ASCII);
            int bar = s.indexOf('|');
            String v = bar < 0 ? null : s.substring(0, bar);
            return v != null && v.matches("v[0-9]") ? v : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The advertising id a verified click token carries for the {@code {gaid}} macro, canonical (lower-case
     * 8-4-4-4-12), or {@code ""}: none sealed, or the seal does not open (another key, altered). Allocates: the click
     * redirect only. The result goes into the creative's click URL and nowhere else: do not log or keep it.
     */
    public String gaidOf(Claims claims) {
        if (claims.sealedGaid() == null) {
            return "";
        }
        byte[] sealed;
        try {
            sealed = DECODER.decode(claims.sealedGaid());
        } catch (IllegalArgumentException e) {
            return "";
        }
        if (!ENCODER.encodeToString(sealed).equals(claims.sealedGaid())) {
            return "";
        }
        String gaid = gaids.open(sealed, claims.impressionId());
        return gaid == null ? "" : gaid;
    }

    /** Parses a GAID (blanks trimmed, either case, 8-4-4-4-12, not all zeros) into its 16 UUID bytes; false when it is none. */
    public static boolean parseGaid(CharSequence text, byte[] out) {
        return GaidSeal.parse(text, out);
    }

    private byte[] mac(byte[] payload) {
        byte[] full = macs.get().doFinal(payload);
        byte[] cut = new byte[MAC_BYTES];
        System.arraycopy(full, 0, cut, 0, MAC_BYTES);
        return cut;
    }
}
