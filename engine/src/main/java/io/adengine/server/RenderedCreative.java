package io.adengine.server;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.adengine.model.AdGroup;
import io.adengine.model.Asset;
import io.adengine.model.Creative;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One creative of one ad group, pre-rendered as the JSON fragments of its ad object, so that per
 * impression only the impression id, the prices and the tracker token are written. Built once per
 * segment and creative (see {@link AdResponseWriter}); immutable.
 *
 * <pre>
 *  {"impressionId":"⟨id⟩","campaignId":…,"adGroupId":…,"creativeId":…,"format":…,"billing":…,"price":{"chargeMicros":⟨n⟩,
 *   "currency":…,"clearingCpmMicros":⟨n⟩,"auctionCurrency":…},"assets":{⟨one title, description, button, image,
 *   video each, rotated per impression⟩,"icon":…},"clickUrl":…,"deeplink":…,"clickTracker":"…/v1/events/click?t=⟨token⟩",
 *   "impressionTrackers":["…/v1/events/imp?t=⟨token⟩",⟨third-party⟩…],"videoTrackers":[…]}
 * </pre>
 */
final class RenderedCreative {

    final byte[] afterId;
    final byte[] afterCharge;
    final byte[] afterClearing;
    final byte[][] titles;
    final byte[][] descriptions;
    final byte[][] buttons;
    final byte[][] images;
    final byte[][] videos;
    /** The icon fragment, or {@code null}. */
    final byte[] icon;
    final byte[] afterAssets;
    final byte[] afterClickToken;
    final byte[] afterImpressionToken;

    RenderedCreative(AdGroup group, Creative c, String accountCurrency, String auctionCurrency, String trackerBase) {
        afterId = ascii("\",\"campaignId\":" + group.campaignId() + ",\"adGroupId\":" + group.id() + ",\"creativeId\":" + c.id()
                + ",\"format\":\"" + c.format().name() + "\",\"billing\":\"" + group.bid().model().name() + "\",\"price\":{\"chargeMicros\":");
        afterCharge = ascii(",\"currency\":\"" + accountCurrency + "\",\"clearingCpmMicros\":");
        afterClearing = ascii(",\"auctionCurrency\":\"" + auctionCurrency + "\"},\"assets\":{");
        titles = strings("title", c.titles());
        descriptions = strings("description", c.descriptions());
        buttons = strings("button", c.buttons());
        images = assets("image", c.images());
        videos = assets("video", c.videos());
        icon = c.icon() == null ? null : asset("icon", c.icon());
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(ascii("},\"clickUrl\":"));
        b.writeBytes(quoted(c.clickUrl()));
        if (c.deeplink() != null) {
            b.writeBytes(ascii(",\"deeplink\":"));
            b.writeBytes(quoted(c.deeplink()));
        }
        b.writeBytes(ascii(",\"clickTracker\":"));
        byte[] base = quoted(trackerBase);
        // The opening quote and the base, without the closing quote: the path and token follow.
        b.write(base, 0, base.length - 1);
        b.writeBytes(ascii("/v1/events/click?t="));
        afterAssets = b.toByteArray();
        b.reset();
        b.writeBytes(ascii("\",\"impressionTrackers\":["));
        b.write(base, 0, base.length - 1);
        b.writeBytes(ascii("/v1/events/imp?t="));
        afterClickToken = b.toByteArray();
        b.reset();
        b.write('"');
        for (String url : c.impressionTrackers()) {
            b.write(',');
            b.writeBytes(quoted(url));
        }
        b.write(']');
        if (!c.videoTrackers().isEmpty()) {
            b.writeBytes(ascii(",\"videoTrackers\":["));
            for (int i = 0; i < c.videoTrackers().size(); i++) {
                if (i > 0) {
                    b.write(',');
                }
                b.writeBytes(quoted(c.videoTrackers().get(i)));
            }
            b.write(']');
        }
        b.write('}');
        afterImpressionToken = b.toByteArray();
    }

    private static byte[][] strings(String field, List<String> values) {
        byte[][] out = new byte[values.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = concat(ascii("\"" + field + "\":"), quoted(values.get(i)));
        }
        return out;
    }

    private static byte[][] assets(String field, List<Asset> values) {
        byte[][] out = new byte[values.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = asset(field, values.get(i));
        }
        return out;
    }

    private static byte[] asset(String field, Asset a) {
        String tail = ",\"width\":" + a.width() + ",\"height\":" + a.height()
                + (a.durationMillis() > 0 ? ",\"durationMillis\":" + a.durationMillis() : "") + "}";
        return concat(ascii("\"" + field + "\":{\"url\":"), quoted(a.url()), ascii(tail));
    }

    /** A JSON string literal, quotes included, escaped as Jackson escapes, UTF-8. */
    static byte[] quoted(String s) {
        return concat(new byte[] {'"'}, JsonStringEncoder.getInstance().quoteAsUTF8(s), new byte[] {'"'});
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }
}
