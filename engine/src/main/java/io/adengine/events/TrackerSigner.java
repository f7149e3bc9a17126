package io.adengine.events;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Signs and verifies tracker tokens. A token is {@code base64url(payload) "." base64url(mac)} where the
 * payload is {@code v1|impressionId|adSpaceId|campaignId|adGroupId|creativeId|billing|chargeMicros|expiresEpochSeconds}
 * and the MAC is the first 16 bytes of HMAC-SHA256 over the payload bytes. Thread-safe: each thread
 * gets its own {@link Mac}.
 */
public final class TrackerSigner {

    private static final int MAC_BYTES = 16;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final ThreadLocal<Mac> macs;

    public TrackerSigner(byte[] key) {
        if (key.length < 16) {
            throw new IllegalArgumentException("tracker key needs at least 16 bytes");
        }
        byte[] copy = key.clone();
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

    /** What a tracker token carries. */
    public record Claims(String impressionId, long adSpaceId, long campaignId, long adGroupId, long creativeId,
                         String billing, long chargeMicros, long expiresEpochSeconds) {
    }

    /** Signs the claims into a URL-safe token. */
    public String sign(Claims c) {
        String payload = "v1|" + c.impressionId() + '|' + c.adSpaceId() + '|' + c.campaignId() + '|' + c.adGroupId() + '|'
                + c.creativeId() + '|' + c.billing() + '|' + c.chargeMicros() + '|' + c.expiresEpochSeconds();
        byte[] bytes = payload.getBytes(StandardCharsets.US_ASCII);
        return ENCODER.encodeToString(bytes) + '.' + ENCODER.encodeToString(mac(bytes));
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
        if (f.length != 9 || !"v1".equals(f[0])) {
            return null;
        }
        try {
            return new Claims(f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]),
                    f[6], Long.parseLong(f[7]), Long.parseLong(f[8]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private byte[] mac(byte[] payload) {
        byte[] full = macs.get().doFinal(payload);
        byte[] cut = new byte[MAC_BYTES];
        System.arraycopy(full, 0, cut, 0, MAC_BYTES);
        return cut;
    }
}
