package io.adengine.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fields of an OpenRTB 2.6 {@code BidRequest} the bidder reads, parsed from JSON into our own classes. Unknown
 * fields are ignored (the spec's rule, so exchanges can send what this version does not read); a field of the wrong
 * JSON type is {@link Invalid} (answered 400 without a body, as the spec says). Both the 2.6 places and the 2.5
 * {@code ext} places of the privacy signals are read ({@code regs.gdpr} / {@code regs.ext.gdpr}, {@code user.consent} /
 * {@code user.ext.consent}, {@code regs.us_privacy} / {@code regs.ext.us_privacy}).
 */
final class OpenRtbRequest {

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(1 << 20).build()).build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    /** ISO 3166-1 alpha-3 (OpenRTB) → alpha-2 (the engine's country codes). */
    private static final Map<String, String> ALPHA2 = alpha2();

    /** A request that is not an OpenRTB bid request: a field of the wrong type, or a required field missing. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String field, String why) {
            super(field + ": " + why, null, false, false);
        }
    }

    enum Kind { BANNER, VIDEO, NATIVE }

    /** One impression: its id, ad space tag, floor, and which kinds of ad it takes. */
    record Imp(String id, String tagId, double bidFloor, String bidFloorCur, boolean banner, boolean video, boolean nativeAd,
               int width, int height) {

        boolean takes(Kind kind) {
            return switch (kind) {
                case BANNER -> banner;
                case VIDEO -> video;
                case NATIVE -> nativeAd;
            };
        }

        /** The first kind this impression takes, in the order video, banner, native. */
        Kind firstKind() {
            return video ? Kind.VIDEO : banner ? Kind.BANNER : nativeAd ? Kind.NATIVE : null;
        }
    }

    String id;
    final List<Imp> imps = new ArrayList<>();
    int at = 2;
    long tmax;
    final List<String> cur = new ArrayList<>();
    final List<String> bcat = new ArrayList<>();
    final List<String> badv = new ArrayList<>();
    final List<String> bapp = new ArrayList<>();
    boolean test;
    // app
    String appBundle;
    // device
    String ifa;
    boolean lmt;
    String os;
    String osv;
    String country;
    String region;
    int connectionType;
    String carrier;
    String language;
    String model;
    // user
    String consent;
    // regs
    boolean coppa;
    int gdpr = -1;
    String usPrivacy;
    String gpp;
    int[] gppSid;

    static OpenRtbRequest parse(byte[] body, int length) throws Invalid {
        JsonNode root;
        try {
            root = JSON.readTree(body, 0, length);
        } catch (IOException e) {
            throw new Invalid("$", "not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new Invalid("$", "must be a JSON object");
        }
        OpenRtbRequest r = new OpenRtbRequest();
        r.id = requiredString(root, "id");
        JsonNode imps = array(root, "imp");
        if (imps == null || imps.isEmpty()) {
            throw new Invalid("imp", "at least one impression is required");
        }
        for (int i = 0; i < imps.size(); i++) {
            r.imps.add(imp(imps.get(i), "imp[" + i + "]"));
        }
        r.at = (int) integer(root, "at", 2);
        r.tmax = integer(root, "tmax", 0);
        r.test = integer(root, "test", 0) == 1;
        strings(root, "cur", r.cur);
        strings(root, "bcat", r.bcat);
        strings(root, "badv", r.badv);
        strings(root, "bapp", r.bapp);
        JsonNode app = object(root, "app");
        if (app != null) {
            r.appBundle = string(app, "bundle");
        }
        object(root, "site");
        JsonNode device = object(root, "device");
        if (device != null) {
            r.ifa = string(device, "ifa");
            r.lmt = integer(device, "lmt", 0) == 1;
            r.os = string(device, "os");
            r.osv = string(device, "osv");
            r.connectionType = (int) integer(device, "connectiontype", 0);
            r.carrier = string(device, "carrier");
            r.language = string(device, "language");
            r.model = string(device, "model");
            JsonNode geo = object(device, "geo");
            if (geo != null) {
                String c = string(geo, "country");
                r.country = c == null ? null : ALPHA2.getOrDefault(c.trim().toUpperCase(Locale.ROOT), c.length() == 2 ? c : null);
                r.region = string(geo, "region");
                if (r.region != null && r.country != null && !r.region.contains("-")) {
                    // OpenRTB regions are ISO 3166-2 subdivision codes without the country ("MH"); the engine's carry it ("IN-MH").
                    r.region = r.country + "-" + r.region;
                }
            }
        }
        JsonNode user = object(root, "user");
        if (user != null) {
            r.consent = string(user, "consent");
            JsonNode ext = object(user, "ext");
            if (r.consent == null && ext != null) {
                r.consent = string(ext, "consent");
            }
        }
        JsonNode regs = object(root, "regs");
        if (regs != null) {
            r.coppa = integer(regs, "coppa", 0) == 1;
            r.gdpr = (int) integer(regs, "gdpr", -1);
            r.usPrivacy = string(regs, "us_privacy");
            r.gpp = string(regs, "gpp");
            JsonNode sid = array(regs, "gpp_sid");
            if (sid != null) {
                r.gppSid = new int[sid.size()];
                for (int i = 0; i < sid.size(); i++) {
                    if (!sid.get(i).isIntegralNumber() || !sid.get(i).canConvertToInt()) {
                        throw new Invalid("regs.gpp_sid[" + i + "]", "must be an integer");
                    }
                    r.gppSid[i] = sid.get(i).intValue();
                }
            }
            JsonNode ext = object(regs, "ext");
            if (ext != null) {
                if (r.gdpr < 0) {
                    r.gdpr = (int) integer(ext, "gdpr", -1);
                }
                if (r.usPrivacy == null) {
                    r.usPrivacy = string(ext, "us_privacy");
                }
            }
        }
        return r;
    }

    private static Imp imp(JsonNode n, String path) throws Invalid {
        if (!n.isObject()) {
            throw new Invalid(path, "must be an object");
        }
        String id = requiredString(n, "id", path);
        JsonNode banner = object(n, "banner", path);
        JsonNode video = object(n, "video", path);
        JsonNode nativeAd = object(n, "native", path);
        double floor = number(n, "bidfloor", 0, path);
        if (floor < 0) {
            throw new Invalid(path + ".bidfloor", "must not be negative");
        }
        String floorCur = string(n, "bidfloorcur", path);
        int w = 0;
        int h = 0;
        JsonNode sized = video != null ? video : banner;
        if (sized != null) {
            w = (int) integer(sized, "w", 0, path);
            h = (int) integer(sized, "h", 0, path);
        }
        return new Imp(id, string(n, "tagid", path), floor, floorCur == null ? "USD" : floorCur, banner != null, video != null,
                nativeAd != null, w, h);
    }

    private static String requiredString(JsonNode n, String field) throws Invalid {
        return requiredString(n, field, "");
    }

    private static String requiredString(JsonNode n, String field, String path) throws Invalid {
        String s = string(n, field, path);
        if (s == null) {
            throw new Invalid(at(path, field), "is required");
        }
        return s;
    }

    private static String string(JsonNode n, String field) throws Invalid {
        return string(n, field, "");
    }

    private static String string(JsonNode n, String field, String path) throws Invalid {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new Invalid(at(path, field), "must be a string");
        }
        return v.textValue();
    }

    private static long integer(JsonNode n, String field, long fallback) throws Invalid {
        return integer(n, field, fallback, "");
    }

    private static long integer(JsonNode n, String field, long fallback, String path) throws Invalid {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new Invalid(at(path, field), "must be an integer");
        }
        return v.longValue();
    }

    private static double number(JsonNode n, String field, double fallback, String path) throws Invalid {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw new Invalid(at(path, field), "must be a number");
        }
        return v.doubleValue();
    }

    private static JsonNode object(JsonNode n, String field) throws Invalid {
        return object(n, field, "");
    }

    private static JsonNode object(JsonNode n, String field, String path) throws Invalid {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw new Invalid(at(path, field), "must be an object");
        }
        return v;
    }

    private static JsonNode array(JsonNode n, String field) throws Invalid {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw new Invalid(field, "must be an array");
        }
        return v;
    }

    private static void strings(JsonNode n, String field, List<String> out) throws Invalid {
        JsonNode a = array(n, field);
        for (int i = 0; a != null && i < a.size(); i++) {
            if (!a.get(i).isTextual()) {
                throw new Invalid(field + "[" + i + "]", "must be a string");
            }
            out.add(a.get(i).textValue());
        }
    }

    private static String at(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    /** The engine's network name of an OpenRTB {@code connectiontype}, or {@code null}. */
    String network() {
        return switch (connectionType) {
            case 1 -> "ethernet";
            case 2 -> "wifi";
            case 3 -> "cellular";
            case 4 -> "2g";
            case 5 -> "3g";
            case 6 -> "4g";
            case 7 -> "5g";
            default -> null;
        };
    }

    private static Map<String, String> alpha2() {
        Map<String, String> m = new HashMap<>();
        for (String c : Locale.getISOCountries()) {
            m.put(new Locale("", c).getISO3Country(), c);
        }
        return Map.copyOf(m);
    }
}
