package io.adengine.server;

import io.adengine.model.Creative;
import io.adengine.model.CreativeFormat;
import io.adengine.model.ReviewStatus;
import io.adengine.model.VideoAd;
import io.adengine.model.VideoEvent;
import io.adengine.testing.Property;
import io.adengine.testing.Standards;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every VAST document the writer makes, on random hostile creatives (markup, {@code ]]>}, quotes, emoji, lone
 * surrogates, control characters and U+FFFF in text; spaces, non-ASCII, brackets, bad escapes in URLs), must
 * validate against the IAB's {@code vast_4.2.xsd} and read back, through a namespace-aware DOM parser, to what
 * was written: ids, title, media files, every tracking event (the engine's first), clicks, verifications.
 */
class VastWriterTest {

    private static final String BASE = "http://127.0.0.1:8080";
    private static final String[] TEXT_PARTS = {"a", "Play", " ", "<b>", "&amp;", "&", "]]>", "]]", "\"", "'", "é", "😀", "\uD83D",
        "\uDE00", "\u0000", "\u0001", "\t", "\n", "\r", "\uFFFE", "\uFFFF", "<![CDATA[", "-->", "<!--", "\\", "%", "x".repeat(40)};
    private static final String[] URL_PARTS = {"a", "b.c", "/", "?", "=", "&", "#", " ", "é", "😀", "\"", "<", ">", "]]>", "%", "%zz",
        "%41", "{", "}", "|", "\\", "^", "`", "[", "]", ":", "@", "'", "(", ")", "*", "+", ",", ";", "~", "\u00a0", "\u2028"};

    private static Validator validator;

    @BeforeAll
    static void schema() throws SAXException {
        Schema schema = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI).newSchema(Standards.file("vast_4.2.xsd").toFile());
        validator = schema.newValidator();
    }

    static void validate(String document) throws Exception {
        try {
            validator.validate(new StreamSource(new StringReader(document)));
        } catch (SAXException e) {
            throw new AssertionError("not valid VAST 4.2: " + e.getMessage() + "\n" + document, e);
        }
    }

    static Document parse(byte[] document) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(document));
    }

    @Test
    void noFillShouldBeAnEmptyVast42Document() throws Exception {
        validate(VastWriter.NO_AD);
        Document d = parse(VastWriter.NO_AD.getBytes(StandardCharsets.UTF_8));
        assertThat(d.getDocumentElement().getLocalName()).isEqualTo("VAST");
        assertThat(d.getDocumentElement().getAttribute("version")).isEqualTo("4.2");
        assertThat(d.getDocumentElement().getChildNodes().getLength()).isZero();
    }

    @Test
    void sampleLikeAdShouldHoldEveryElementInSchemaOrder() throws Exception {
        VideoAd vast = new VideoAd(30_000, 5_000,
                List.of(new VideoAd.MediaFile("https://cdn.example.com/v.mp4", "video/mp4", VideoAd.Delivery.PROGRESSIVE, 1280, 720, 1067)),
                List.of(new VideoAd.Verification("iabtechlab.com-omid", "https://v.example.net/omid.js", "{\"k\":1}")),
                List.of(new VideoAd.EventTracker(VideoEvent.COMPLETE, "https://m.example.net/c")));
        Creative c = creative(1011, "Play the puzzle", vast, List.of("https://m.example.net/imp"), "https://play.example.com/app?id=1");
        String doc = new VastWriter(BASE).document(new VastWriter.Ad(c, 101, "puzzle-studio.com", "0123456789abcdef0123456789abcdef", "TOKEN", "CLICK"));

        validate(doc);
        Document d = parse(doc.getBytes(StandardCharsets.UTF_8));
        assertThat(texts(d, "Impression")).containsExactly(BASE + "/v1/events/imp?t=TOKEN", "https://m.example.net/imp");
        assertThat(texts(d, "Error")).containsExactly(BASE + "/v1/events/video/error?t=TOKEN&code=[ERRORCODE]");
        assertThat(texts(d, "AdServingId")).containsExactly("0123456789abcdef0123456789abcdef");
        assertThat(texts(d, "Duration")).containsExactly("00:00:30.000");
        assertThat(one(d, "Linear").getAttribute("skipoffset")).isEqualTo("00:00:05.000");
        assertThat(texts(d, "ClickThrough")).containsExactly("https://play.example.com/app?id=1");
        assertThat(texts(d, "ClickTracking")).containsExactly(BASE + "/v1/events/click?t=CLICK");
        assertThat(texts(d, "UniversalAdId")).containsExactly("1011");
        assertThat(one(d, "UniversalAdId").getAttribute("idRegistry")).isEqualTo("ad-engine");
        assertThat(texts(d, "Advertiser")).containsExactly("puzzle-studio.com");
        assertThat(texts(d, "JavaScriptResource")).containsExactly("https://v.example.net/omid.js");
        assertThat(one(d, "JavaScriptResource").getAttribute("apiFramework")).isEqualTo("omid");
        assertThat(texts(d, "VerificationParameters")).containsExactly("{\"k\":1}");
        Element media = one(d, "MediaFile");
        assertThat(List.of(media.getAttribute("delivery"), media.getAttribute("type"), media.getAttribute("width"),
                media.getAttribute("height"), media.getAttribute("bitrate"))).containsExactly("progressive", "video/mp4", "1280", "720", "1067");
        List<String> events = new ArrayList<>();
        NodeList tracking = d.getElementsByTagNameNS(VastWriter.NAMESPACE, "Tracking");
        for (int i = 0; i < tracking.getLength(); i++) {
            Element t = (Element) tracking.item(i);
            events.add(t.getAttribute("event") + " " + t.getTextContent());
        }
        assertThat(events).containsExactly("start " + BASE + "/v1/events/video/start?t=TOKEN",
                "firstQuartile " + BASE + "/v1/events/video/firstQuartile?t=TOKEN", "midpoint " + BASE + "/v1/events/video/midpoint?t=TOKEN",
                "thirdQuartile " + BASE + "/v1/events/video/thirdQuartile?t=TOKEN", "complete " + BASE + "/v1/events/video/complete?t=TOKEN",
                "complete https://m.example.net/c", "skip " + BASE + "/v1/events/video/skip?t=TOKEN", "close " + BASE + "/v1/events/video/close?t=TOKEN");
    }

    @Test
    void creativeWithoutAVastSectionShouldBeRefused() {
        Creative c = creative(1, "t", null, List.of(), "https://x.example");
        assertThatThrownBy(() -> new VastWriter(BASE).document(new VastWriter.Ad(c, 1, null, "id", "t", "c")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyDocumentOnHostileCreativesShouldValidateAndReadBackToWhatWasWritten() {
        VastWriter writer = new VastWriter(BASE);
        Property.forAll(1_500, gen -> {
            List<VideoAd.MediaFile> files = gen.lists(1, 4, () -> new VideoAd.MediaFile(url(gen), gen.oneIn(2) ? "video/mp4" : "application/x-mpegURL",
                    gen.oneIn(2) ? VideoAd.Delivery.PROGRESSIVE : VideoAd.Delivery.STREAMING, gen.ints(1, 100_000), gen.ints(1, 100_000),
                    gen.ints(0, 1_000_000)));
            List<VideoAd.Verification> verifications = gen.lists(0, 3, () -> new VideoAd.Verification(text(gen, 1), url(gen),
                    gen.oneIn(3) ? null : text(gen, 0)));
            List<VideoAd.EventTracker> events = gen.lists(0, 5, () -> new VideoAd.EventTracker(
                    VideoEvent.values()[gen.ints(0, VideoEvent.values().length - 1)], url(gen)));
            long duration = gen.longs(1, 3_600_000);
            VideoAd vast = new VideoAd(duration, gen.oneIn(2) ? VideoAd.NOT_SKIPPABLE : gen.longs(0, duration), files, verifications, events);
            String title = text(gen, 1);
            Creative c = creative(gen.longs(1, Long.MAX_VALUE), title, vast, gen.lists(0, 3, () -> url(gen)), url(gen));
            String advertiser = gen.oneIn(2) ? null : text(gen, 1);
            String impressionId = Long.toHexString(gen.anyLong()) + Long.toHexString(gen.anyLong());
            String token = "abc_-XYZ0123";
            byte[] bytes = writer.write(new VastWriter.Ad(c, gen.longs(1, Long.MAX_VALUE), advertiser, impressionId, token, "click_-0"));
            String doc = new String(bytes, StandardCharsets.UTF_8);

            validate(doc);
            Document d = parse(bytes);
            assertThat(texts(d, "AdTitle")).containsExactly(VastWriter.clean(title));
            assertThat(texts(d, "AdServingId")).containsExactly(impressionId);
            assertThat(texts(d, "MediaFile")).containsExactlyElementsOf(files.stream().map(f -> sameUrl(f.url())).toList());
            assertThat(texts(d, "ClickThrough")).containsExactly(sameUrl(c.clickUrl()));
            List<String> impressions = texts(d, "Impression");
            assertThat(impressions).hasSize(1 + c.impressionTrackers().size());
            assertThat(impressions.subList(1, impressions.size()))
                    .containsExactlyElementsOf(c.impressionTrackers().stream().map(VastWriterTest::sameUrl).toList());
            assertThat(texts(d, "VerificationParameters")).containsExactlyElementsOf(
                    verifications.stream().filter(v -> v.parameters() != null).map(v -> VastWriter.clean(v.parameters())).toList());
            NodeList verification = d.getElementsByTagNameNS(VastWriter.NAMESPACE, "Verification");
            for (int i = 0; i < verification.getLength(); i++) {
                assertThat(((Element) verification.item(i)).getAttribute("vendor")).isEqualTo(VastWriter.clean(verifications.get(i).vendor()));
            }
            if (advertiser != null) {
                assertThat(texts(d, "Advertiser")).containsExactly(VastWriter.clean(advertiser));
            }
            NodeList tracking = d.getElementsByTagNameNS(VastWriter.NAMESPACE, "Tracking");
            Set<String> seen = new java.util.HashSet<>();
            int thirdParty = 0;
            for (int i = 0; i < tracking.getLength(); i++) {
                Element t = (Element) tracking.item(i);
                String url = t.getTextContent();
                VideoEvent e = VideoEvent.ofVastName(t.getAttribute("event"));
                assertThat(e).isNotNull();
                if (url.startsWith(BASE + "/v1/events/video/" + e.vastName() + "?t=")) {
                    assertThat(seen.add(e.vastName())).as("one engine tracker per event").isTrue();
                    assertThat(url).endsWith("?t=" + token);
                } else {
                    thirdParty++;
                }
            }
            assertThat(seen).hasSize(VideoEvent.values().length);
            assertThat(thirdParty).isEqualTo(events.size());
        });
    }

    /** The URL as the document holds it: unchanged when it was a valid URI, else percent-encoded, and a valid URI now. */
    private static String sameUrl(String url) {
        String written = VastWriter.uri(url);
        assertThat(URI.create(written)).isNotNull();
        if (isPlainUri(url)) {
            assertThat(written).isEqualTo(url);
        }
        assertThat(URLDecoder.decode(written.replace("+", "%2B"), StandardCharsets.UTF_8))
                .isEqualTo(URLDecoder.decode(url.replace("+", "%2B").replaceAll("%(?![0-9A-Fa-f]{2})", "%25"), StandardCharsets.UTF_8));
        return written;
    }

    private static boolean isPlainUri(String url) {
        for (int i = url.indexOf("://") + 3; i < url.length(); i++) {
            char c = url.charAt(i);
            boolean plain = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~/?=&;,+!$'()*".indexOf(c) >= 0;
            if (!plain) {
                return false;
            }
        }
        return true;
    }

    private static List<String> texts(Document d, String name) {
        NodeList nodes = d.getElementsByTagNameNS(VastWriter.NAMESPACE, name);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add(nodes.item(i).getTextContent());
        }
        return out;
    }

    private static Element one(Document d, String name) {
        NodeList nodes = d.getElementsByTagNameNS(VastWriter.NAMESPACE, name);
        assertThat(nodes.getLength()).as(name).isEqualTo(1);
        return (Element) nodes.item(0);
    }

    private static String text(Property.Gen gen, int minParts) {
        StringBuilder b = new StringBuilder();
        int n = gen.ints(minParts, 8);
        for (int i = 0; i < n; i++) {
            b.append(TEXT_PARTS[gen.ints(0, TEXT_PARTS.length - 1)]);
        }
        return b.toString();
    }

    /** An http(s) URL the catalog rules accept (no control characters), with everything else a URL should not hold. */
    private static String url(Property.Gen gen) {
        StringBuilder b = new StringBuilder(gen.oneIn(2) ? "https://" : "http://");
        if (!gen.oneIn(8)) {
            b.append(gen.oneIn(8) ? "user@cdn.example.com:8443" : "cdn.example.com");
        }
        int n = gen.ints(1, 10);
        for (int i = 0; i < n; i++) {
            b.append(URL_PARTS[gen.ints(0, URL_PARTS.length - 1)]);
        }
        return b.toString();
    }

    private static Creative creative(long id, String title, VideoAd vast, List<String> impressionTrackers, String clickUrl) {
        return new Creative(id, 1, 101, "creative " + id, CreativeFormat.REWARDED_VIDEO, List.of(title), List.of(), List.of(), List.of(),
                List.of(), null, clickUrl, null, impressionTrackers, List.of(), ReviewStatus.APPROVED, false, Set.of(), vast);
    }
}
