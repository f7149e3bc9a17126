package io.adengine.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.adengine.match.AdRequest;
import io.adengine.model.Dimension;
import io.adengine.model.OsVersionRange;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;

/**
 * Parses the body of {@code POST /v1/ads} into a reused {@link AdRequest} with Jackson's streaming
 * parser. Returns {@code null} on success or the {@link ApiError} naming the first bad field. Unknown
 * fields are skipped so that SDKs can send more than this version reads.
 *
 * <pre>
 * {"requestId": "…", "adSpaceId": 101, "count": 1, "gaid": "…",
 *  "device": {"os": "android", "osVersion": "13", "model": "…", "language": "en", "network": "wifi", "carrier": "…"},
 *  "geo": {"country": "IN", "region": "IN-MH"},
 *  "explain": false, "explainAdGroupId": 0}
 * </pre>
 */
public final class AdRequestParser {

    /** Longest string value accepted in any field. */
    public static final int MAX_STRING = 128;
    /** Longest consent (TCF) or GPP string accepted. */
    public static final int MAX_CONSENT = 4096;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxStringLength(4096).build())
            .build();

    /** Parses {@code body[0..length)} into {@code out} (reset first). */
    public ApiError parse(byte[] body, int length, AdRequest out) {
        out.reset();
        if (length == 0) {
            return new ApiError(HttpResponseStatus.BAD_REQUEST, "malformed_json", "the request body is empty; send a JSON object", null);
        }
        try (JsonParser p = FACTORY.createParser(body, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return new ApiError(HttpResponseStatus.BAD_REQUEST, "malformed_json", "the request body must be a JSON object", null);
            }
            boolean sawAdSpace = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                ApiError error = null;
                switch (name) {
                    case "requestId" -> {
                        String v = string(p, t);
                        if (v == null || v.isEmpty() || v.length() > 64) {
                            return ApiError.invalid("requestId", "requestId must be a string of 1..64 characters");
                        }
                        out.requestId(v);
                    }
                    case "adSpaceId" -> {
                        if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT && p.getNumberType() != JsonParser.NumberType.LONG
                                || p.getLongValue() < 1) {
                            return ApiError.invalid("adSpaceId", "adSpaceId must be a positive integer");
                        }
                        out.adSpaceId(p.getLongValue());
                        sawAdSpace = true;
                    }
                    case "count" -> {
                        if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT
                                || p.getIntValue() < 1 || p.getIntValue() > AdRequest.MAX_COUNT) {
                            return ApiError.invalid("count", "count must be an integer 1.." + AdRequest.MAX_COUNT);
                        }
                        out.count(p.getIntValue());
                    }
                    case "gaid" -> {
                        String v = string(p, t);
                        if (v == null || v.length() > 64) {
                            return ApiError.invalid("gaid", "gaid must be a string of at most 64 characters");
                        }
                        out.gaid(v);
                    }
                    case "explain" -> {
                        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                            return ApiError.invalid("explain", "explain must be true or false");
                        }
                        out.explain(t == JsonToken.VALUE_TRUE);
                    }
                    case "explainAdGroupId" -> {
                        if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER || p.getLongValue() < 1) {
                            return ApiError.invalid("explainAdGroupId", "explainAdGroupId must be a positive integer");
                        }
                        out.explainAdGroupId(p.getLongValue());
                    }
                    case "device" -> error = device(p, t, out);
                    case "geo" -> error = geo(p, t, out);
                    case "regs" -> error = regs(p, t, out);
                    case "user" -> error = user(p, t, out);
                    default -> p.skipChildren();
                }
                if (error != null) {
                    return error;
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                return new ApiError(HttpResponseStatus.BAD_REQUEST, "malformed_json", "unexpected content after the JSON object", null);
            }
            if (!sawAdSpace) {
                return ApiError.missing("adSpaceId");
            }
            return null;
        } catch (JsonParseException e) {
            return new ApiError(HttpResponseStatus.BAD_REQUEST, "malformed_json",
                    "malformed JSON at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), null);
        } catch (IOException e) {
            return new ApiError(HttpResponseStatus.BAD_REQUEST, "malformed_json", "the request body could not be read as JSON", null);
        }
    }

    private static ApiError device(JsonParser p, JsonToken t, AdRequest out) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            return ApiError.invalid("device", "device must be an object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "osVersion" -> {
                    String s = v == JsonToken.VALUE_NUMBER_INT ? p.getText() : string(p, v);
                    int encoded = OsVersionRange.encode(s);
                    if (encoded < 0) {
                        return ApiError.invalid("device.osVersion", "device.osVersion must be a version like \"13\" or \"12.1.3\"");
                    }
                    out.osVersion(encoded);
                }
                case "model" -> {
                    ApiError e = dimension(p, v, "device.model", Dimension.DEVICE_MODEL, out);
                    if (e != null) {
                        return e;
                    }
                }
                case "language", "network", "carrier" -> {
                    Dimension d = name.equals("language") ? Dimension.LANGUAGE : name.equals("network") ? Dimension.NETWORK : Dimension.CARRIER;
                    ApiError e = dimension(p, v, "device." + name, d, out);
                    if (e != null) {
                        return e;
                    }
                }
                case "lmt" -> {
                    Boolean lmt = flag(p, v);
                    if (lmt == null) {
                        return ApiError.invalid("device.lmt", "device.lmt must be 0, 1, true or false");
                    }
                    out.limitAdTracking(lmt);
                }
                case "os" -> {
                    if (string(p, v) == null) {
                        return ApiError.invalid("device.os", "device.os must be a string of at most " + MAX_STRING + " characters");
                    }
                }
                default -> p.skipChildren();
            }
        }
        return null;
    }

    /** {@code regs}: {@code coppa}, {@code gdpr} (0/1 or booleans), {@code usPrivacy}, {@code gpp}, {@code gppSid}. */
    private static ApiError regs(JsonParser p, JsonToken t, AdRequest out) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            return ApiError.invalid("regs", "regs must be an object");
        }
        String gpp = null;
        int[] sections = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "coppa", "gdpr" -> {
                    Boolean set = flag(p, v);
                    if (set == null) {
                        return ApiError.invalid("regs." + name, "regs." + name + " must be 0, 1, true or false");
                    }
                    if (name.equals("coppa")) {
                        out.coppa(set);
                    } else {
                        out.gdpr(set ? 1 : 0);
                    }
                }
                case "usPrivacy", "us_privacy" -> {
                    String s = string(p, v);
                    if (s == null) {
                        return ApiError.invalid("regs.usPrivacy", "regs.usPrivacy must be a US Privacy string like \"1YNN\"");
                    }
                    out.usPrivacy(s);
                }
                case "gpp" -> {
                    if (v != JsonToken.VALUE_STRING || p.getTextLength() > MAX_CONSENT) {
                        return ApiError.invalid("regs.gpp", "regs.gpp must be a GPP string of at most " + MAX_CONSENT + " characters");
                    }
                    gpp = p.getText();
                }
                case "gppSid", "gpp_sid" -> {
                    sections = sections(p, v);
                    if (sections == null) {
                        return ApiError.invalid("regs.gppSid", "regs.gppSid must be an array of at most 16 GPP section ids (integers 1..255)");
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (gpp != null || sections != null) {
            out.gpp(gpp == null ? "" : gpp, sections);
        }
        return null;
    }

    /** {@code user}: {@code consent} (the IAB TCF string). */
    private static ApiError user(JsonParser p, JsonToken t, AdRequest out) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            return ApiError.invalid("user", "user must be an object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (name.equals("consent")) {
                if (v != JsonToken.VALUE_STRING || p.getTextLength() > MAX_CONSENT) {
                    return ApiError.invalid("user.consent", "user.consent must be a TCF consent string of at most " + MAX_CONSENT + " characters");
                }
                out.consent(p.getText());
            } else {
                p.skipChildren();
            }
        }
        return null;
    }

    /** A 0/1 or boolean flag, or {@code null} when it is neither. */
    private static Boolean flag(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE) {
            return v == JsonToken.VALUE_TRUE;
        }
        if (v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT && (p.getIntValue() == 0 || p.getIntValue() == 1)) {
            return p.getIntValue() == 1;
        }
        return null;
    }

    private static int[] sections(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            return null;
        }
        int[] ids = new int[16];
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (n == ids.length || p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT
                    || p.getIntValue() < 1 || p.getIntValue() > 255) {
                p.skipChildren();
                return null;
            }
            ids[n++] = p.getIntValue();
        }
        return java.util.Arrays.copyOf(ids, n);
    }

    private static ApiError geo(JsonParser p, JsonToken t, AdRequest out) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            return ApiError.invalid("geo", "geo must be an object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            ApiError e = switch (name) {
                case "country" -> dimension(p, v, "geo.country", Dimension.COUNTRY, out);
                case "region" -> dimension(p, v, "geo.region", Dimension.REGION, out);
                default -> {
                    p.skipChildren();
                    yield null;
                }
            };
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    private static ApiError dimension(JsonParser p, JsonToken t, String field, Dimension d, AdRequest out) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        String v = string(p, t);
        if (v == null) {
            return ApiError.invalid(field, field + " must be a string of at most " + MAX_STRING + " characters");
        }
        out.value(d, v);
        return null;
    }

    private static String string(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.VALUE_STRING) {
            return null;
        }
        String v = p.getText();
        return v.length() > MAX_STRING ? null : v;
    }
}
