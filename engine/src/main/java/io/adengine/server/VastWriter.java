package io.adengine.server;

import io.adengine.model.Creative;
import io.adengine.model.VideoAd;
import io.adengine.model.VideoEvent;

import java.nio.charset.StandardCharsets;

/**
 * Writes VAST 4.2 documents (IAB Tech Lab, {@code vast_4.2.xsd}): one {@code InLine} linear ad per filled
 * video answer, or {@code <VAST version="4.2"/>} for no fill. Pure text: no HTTP, no state beyond the tracker
 * base URL.
 *
 * <pre>
 * VAST version=4.2 xmlns=http://www.iab.com/VAST
 *   Ad id=⟨creative id⟩
 *     InLine
 *       AdSystem version=1 ─ ad-engine
 *       Error ─ ⟨base⟩/v1/events/video/error?t=⟨token⟩&amp;code=[ERRORCODE]
 *       Impression id=ad-engine ─ ⟨base⟩/v1/events/imp?t=⟨token⟩ ; then one Impression per third-party impression tracker
 *       AdServingId ─ ⟨impression id⟩
 *       AdTitle ─ ⟨first title, else the creative's name⟩
 *       AdVerifications ─ Verification vendor=… (JavaScriptResource apiFramework=omid, VerificationParameters)   when the creative has some
 *       Advertiser ─ ⟨campaign advertiser domain⟩   when it has one
 *       Creatives / Creative id=⟨creative id⟩ adId=⟨ad group id⟩
 *         Linear skipoffset=⟨HH:MM:SS.mmm⟩ (skippable only)
 *           TrackingEvents ─ Tracking event=start|firstQuartile|midpoint|thirdQuartile|complete|skip|close:
 *                            ⟨base⟩/v1/events/video/⟨event⟩?t=⟨token⟩, then the creative's third-party URLs for the event
 *           Duration ─ HH:MM:SS.mmm
 *           MediaFiles / MediaFile delivery type width height bitrate? ─ ⟨url⟩
 *           VideoClicks / ClickTracking ─ ⟨base⟩/v1/events/click?t=⟨click token⟩ ; ClickThrough ─ ⟨the creative's click URL⟩
 *         UniversalAdId idRegistry=ad-engine ─ ⟨creative id⟩
 * </pre>
 *
 * <p>Text and attributes are escaped ({@code & < > " '}); URLs go in CDATA sections (a {@code ]]>} inside is
 * split across two sections). Characters XML 1.0 cannot carry (controls other than tab, LF and CR; lone
 * surrogates; U+FFFE, U+FFFF) are replaced by U+FFFD in text, and URLs are percent-encoded where a character is
 * not allowed in a URI (spaces, non-ASCII, {@code " < > \ ^ ` { | }}), so every document is well-formed and each
 * URL a valid {@code xs:anyURI}.
 */
public final class VastWriter {

    /** The VAST namespace of {@code vast_4.2.xsd}. */
    public static final String NAMESPACE = "http://www.iab.com/VAST";
    /** The answer when nothing fills. */
    public static final String NO_AD = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><VAST version=\"4.2\" xmlns=\"" + NAMESPACE + "\"/>";
    /** {@code UniversalAdId@idRegistry} of the engine's own creative ids. */
    public static final String ID_REGISTRY = "ad-engine";
    /** Content type of a VAST answer. */
    public static final String CONTENT_TYPE = "application/xml; charset=utf-8";

    /** The events every linear ad tracks, in document order. */
    private static final VideoEvent[] EVENTS = VideoEvent.values();

    private final String trackerBase;

    /** A writer whose tracker URLs start with {@code trackerBaseUrl} (scheme, host and port of the public API). */
    public VastWriter(String trackerBaseUrl) {
        this.trackerBase = trackerBaseUrl;
    }

    /**
     * One ad to write.
     *
     * @param advertiserDomain the campaign's advertiser domain, or {@code null}
     * @param impressionId     the impression id (32 hex digits): the {@code AdServingId}
     * @param token            the signed impression token (impression, error and playback trackers)
     * @param clickToken       the signed click token (the click tracker)
     */
    public record Ad(Creative creative, long adGroupId, String advertiserDomain, String impressionId, String token, String clickToken) {
    }

    /** The document of one ad, as UTF-8. */
    public byte[] write(Ad ad) {
        return document(ad).getBytes(StandardCharsets.UTF_8);
    }

    /** The document of one ad. The creative must carry {@link Creative#vast()}. */
    public String document(Ad ad) {
        Creative c = ad.creative();
        VideoAd v = c.vast();
        if (v == null) {
            throw new IllegalArgumentException("creative " + c.id() + " has no vast section");
        }
        StringBuilder b = new StringBuilder(2048);
        String token = encodeQueryValue(ad.token());
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        b.append("<VAST version=\"4.2\" xmlns=\"").append(NAMESPACE).append("\">");
        b.append("<Ad id=\"").append(c.id()).append("\"><InLine>");
        b.append("<AdSystem version=\"1\">ad-engine</AdSystem>");
        element(b, "Error", null, trackerBase + "/v1/events/video/error?t=" + token + "&code=[ERRORCODE]");
        element(b, "Impression", " id=\"ad-engine\"", trackerBase + "/v1/events/imp?t=" + token);
        for (String url : c.impressionTrackers()) {
            element(b, "Impression", null, url);
        }
        b.append("<AdServingId>");
        text(b, ad.impressionId());
        b.append("</AdServingId><AdTitle>");
        text(b, c.titles().isEmpty() ? c.name() : c.titles().get(0));
        b.append("</AdTitle>");
        if (!v.verifications().isEmpty()) {
            b.append("<AdVerifications>");
            for (VideoAd.Verification r : v.verifications()) {
                b.append("<Verification vendor=\"");
                text(b, r.vendor());
                b.append("\">");
                element(b, "JavaScriptResource", " apiFramework=\"omid\" browserOptional=\"true\"", r.javascriptUrl());
                if (r.parameters() != null) {
                    // Escaped text, not CDATA: a CR in CDATA would be read back as LF.
                    b.append("<VerificationParameters>");
                    text(b, r.parameters());
                    b.append("</VerificationParameters>");
                }
                b.append("</Verification>");
            }
            b.append("</AdVerifications>");
        }
        if (ad.advertiserDomain() != null) {
            b.append("<Advertiser>");
            text(b, ad.advertiserDomain());
            b.append("</Advertiser>");
        }
        b.append("<Creatives><Creative id=\"").append(c.id()).append("\" adId=\"").append(ad.adGroupId()).append("\">");
        b.append("<Linear");
        if (v.skipOffsetMillis() != VideoAd.NOT_SKIPPABLE) {
            b.append(" skipoffset=\"");
            time(b, v.skipOffsetMillis());
            b.append('"');
        }
        b.append("><TrackingEvents>");
        for (VideoEvent e : EVENTS) {
            tracking(b, e, trackerBase + "/v1/events/video/" + e.vastName() + "?t=" + token);
            int legacy = e.ordinal();
            // videoTrackers of the JSON answer: start, 25 %, 50 %, 75 %, in that order.
            if (legacy < 4 && legacy < c.videoTrackers().size()) {
                tracking(b, e, c.videoTrackers().get(legacy));
            }
            for (VideoAd.EventTracker t : v.trackingEvents()) {
                if (t.event() == e) {
                    tracking(b, e, t.url());
                }
            }
        }
        b.append("</TrackingEvents><Duration>");
        time(b, v.durationMillis());
        b.append("</Duration><MediaFiles>");
        for (VideoAd.MediaFile m : v.mediaFiles()) {
            b.append("<MediaFile delivery=\"").append(m.delivery() == VideoAd.Delivery.STREAMING ? "streaming" : "progressive")
                    .append("\" type=\"");
            text(b, m.mimeType());
            b.append("\" width=\"").append(m.width()).append("\" height=\"").append(m.height()).append('"');
            if (m.bitrateKbps() > 0) {
                b.append(" bitrate=\"").append(m.bitrateKbps()).append('"');
            }
            b.append('>');
            cdata(b, uri(m.url()));
            b.append("</MediaFile>");
        }
        b.append("</MediaFiles><VideoClicks>");
        element(b, "ClickTracking", null, trackerBase + "/v1/events/click?t=" + encodeQueryValue(ad.clickToken()));
        element(b, "ClickThrough", null, c.clickUrl());
        b.append("</VideoClicks></Linear>");
        b.append("<UniversalAdId idRegistry=\"").append(ID_REGISTRY).append("\">").append(c.id()).append("</UniversalAdId>");
        b.append("</Creative></Creatives></InLine></Ad></VAST>");
        return b.toString();
    }

    private static void tracking(StringBuilder b, VideoEvent e, String url) {
        element(b, "Tracking", " event=\"" + e.vastName() + "\"", url);
    }

    /** {@code <name attrs><![CDATA[url]]></name>}, the URL made a valid URI. */
    private static void element(StringBuilder b, String name, String attributes, String url) {
        b.append('<').append(name);
        if (attributes != null) {
            b.append(attributes);
        }
        b.append('>');
        cdata(b, uri(url));
        b.append("</").append(name).append('>');
    }

    /** A CDATA section; {@code ]]>} inside is split so that it never ends the section early. */
    static void cdata(StringBuilder b, String s) {
        b.append("<![CDATA[");
        int from = 0;
        int at;
        while ((at = s.indexOf("]]>", from)) >= 0) {
            b.append(s, from, at + 2).append("]]><![CDATA[");
            from = at + 2;
        }
        b.append(s, from, s.length()).append("]]>");
    }

    /** Escaped text or attribute value, with characters XML cannot carry replaced. */
    static void text(StringBuilder b, String s) {
        String c = clean(s);
        for (int i = 0; i < c.length(); i++) {
            char ch = c.charAt(i);
            switch (ch) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                // Attribute values normalise whitespace; keep tabs and line breaks as they are.
                case '\t' -> b.append("&#9;");
                case '\n' -> b.append("&#10;");
                case '\r' -> b.append("&#13;");
                default -> b.append(ch);
            }
        }
    }

    /** The text with every character XML 1.0 does not allow replaced by U+FFFD. */
    static String clean(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            boolean ok;
            int width = 1;
            if (Character.isHighSurrogate(ch)) {
                ok = i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
                width = ok ? 2 : 1;
            } else if (Character.isLowSurrogate(ch)) {
                ok = false;
            } else {
                ok = ch == '\t' || ch == '\n' || ch == '\r' || ch >= 0x20 && ch != 0xFFFE && ch != 0xFFFF;
            }
            if (!ok && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                if (ok) {
                    out.append(s, i, i + width);
                } else {
                    out.append('\uFFFD');
                }
            }
            i += width - 1;
        }
        return out == null ? s : out.toString();
    }

    /**
     * The URL made a valid URI (RFC 3986, and {@code xs:anyURI}): each part keeps the characters its grammar allows
     * and percent-encodes (UTF-8) the rest. Authority: unreserved, sub-delims and {@code %HH}, a last {@code @}
     * (user info) and a {@code :} before a numeric port; path: those and {@code : @ /}; query and fragment: those
     * and {@code / ?}, plus {@code [ ]} (VAST macros such as {@code [ERRORCODE]} live there); a second {@code #}
     * and a {@code %} not followed by two hex digits are encoded. A valid URL passes unchanged.
     */
    static String uri(String url) {
        int schemeEnd = url.indexOf("://");
        if (schemeEnd <= 0 || !isScheme(url, schemeEnd)) {
            return encodePart(url, 0, url.length(), PATH, -1, -1);
        }
        int authorityStart = schemeEnd + 3;
        int authorityEnd = authorityStart;
        while (authorityEnd < url.length() && "/?#".indexOf(url.charAt(authorityEnd)) < 0) {
            authorityEnd++;
        }
        int at = url.lastIndexOf('@', authorityEnd - 1);
        at = at >= authorityStart ? at : -1;
        int colon = url.lastIndexOf(':', authorityEnd - 1);
        colon = colon > Math.max(at, authorityStart - 1) && colon + 6 >= authorityEnd
                && digits(url, colon + 1, authorityEnd) ? colon : -1;
        int pathEnd = authorityEnd;
        while (pathEnd < url.length() && "?#".indexOf(url.charAt(pathEnd)) < 0) {
            pathEnd++;
        }
        int queryEnd = url.indexOf('#', pathEnd);
        queryEnd = queryEnd < 0 ? url.length() : queryEnd;
        StringBuilder b = new StringBuilder(url.length() + 16);
        b.append(url, 0, authorityStart);
        b.append(encodePart(url, authorityStart, authorityEnd, AUTHORITY, at, colon));
        b.append(encodePart(url, authorityEnd, pathEnd, PATH, -1, -1));
        if (pathEnd < queryEnd) {
            b.append('?').append(encodePart(url, pathEnd + 1, queryEnd, QUERY, -1, -1));
        }
        if (queryEnd < url.length()) {
            b.append('#').append(encodePart(url, queryEnd + 1, url.length(), QUERY, -1, -1));
        }
        return b.toString();
    }

    private static final String SUB_DELIMS = "!$&'()*+,;=";
    private static final String AUTHORITY = SUB_DELIMS;
    private static final String PATH = SUB_DELIMS + ":@/";
    private static final String QUERY = SUB_DELIMS + ":@/?[]";

    private static String encodePart(String s, int from, int to, String allowed, int keepAt, int keepColon) {
        StringBuilder out = new StringBuilder(to - from + 8);
        for (int i = from; i < to; i++) {
            char ch = s.charAt(i);
            boolean ok = ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '.' || ch == '_'
                    || ch == '~' || allowed.indexOf(ch) >= 0 || i == keepAt || i == keepColon
                    || ch == '%' && i + 2 < to && hex(s.charAt(i + 1)) && hex(s.charAt(i + 2));
            if (ok) {
                out.append(ch);
                continue;
            }
            int end = i + 1;
            if (Character.isHighSurrogate(ch) && end < to && Character.isLowSurrogate(s.charAt(end))) {
                end++;
            }
            for (byte x : s.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                out.append('%').append(HEX[(x >> 4) & 0xf]).append(HEX[x & 0xf]);
            }
            i = end - 1;
        }
        return out.toString();
    }

    private static boolean isScheme(String s, int end) {
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            boolean letter = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
            if (!letter && (i == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean digits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static boolean hex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    /** A percent-encoded query value (the token is base64url, so this is a no-op for real tokens). */
    private static String encodeQueryValue(String s) {
        return encodePart(s, 0, s.length(), "!$'()*,;:@/?", -1, -1);
    }

    /** {@code HH:MM:SS.mmm} (xs:time, and the VAST offset pattern). */
    static void time(StringBuilder b, long millis) {
        long h = millis / 3_600_000;
        long m = millis / 60_000 % 60;
        long s = millis / 1000 % 60;
        long ms = millis % 1000;
        two(b, h).append(':');
        two(b, m).append(':');
        two(b, s).append('.');
        if (ms < 100) {
            b.append('0');
        }
        if (ms < 10) {
            b.append('0');
        }
        b.append(ms);
    }

    private static StringBuilder two(StringBuilder b, long v) {
        if (v < 10) {
            b.append('0');
        }
        return b.append(v);
    }
}
