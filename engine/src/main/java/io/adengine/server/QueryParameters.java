package io.adengine.server;

import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The query parameters of a request URI, decoded one parameter at a time so that a bad {@code %}-escape is
 * a 400 naming its parameter (Netty's {@link QueryStringDecoder} throws for the whole query, without a
 * name). Numbers are read in canonical decimal only: no sign but a {@code -} on a negative number, no
 * leading zeros, no {@code -0}, no blanks; {@code +5}, {@code 07} and {@code 5 } are refused, so one value
 * has one spelling (an audience {@code 07} can no longer overwrite audience {@code 7}). A parameter given
 * twice is refused rather than one of its values picked.
 */
final class QueryParameters {

    private static final QueryParameters NONE = new QueryParameters(Map.of());

    private final Map<String, List<String>> values;

    private QueryParameters(Map<String, List<String>> values) {
        this.values = values;
    }

    /** The parameters of {@code uri} (everything after the first {@code ?}). */
    static QueryParameters of(String uri) throws BadParameter {
        int q = uri.indexOf('?');
        if (q < 0 || q == uri.length() - 1) {
            return NONE;
        }
        Map<String, List<String>> values = new HashMap<>();
        int start = q + 1;
        while (start <= uri.length()) {
            int end = uri.indexOf('&', start);
            if (end < 0) {
                end = uri.length();
            }
            if (end > start) {
                int eq = uri.indexOf('=', start);
                boolean hasValue = eq >= 0 && eq < end;
                String rawName = uri.substring(start, hasValue ? eq : end);
                String name = decode(rawName, shown(rawName));
                String value = hasValue ? decode(uri.substring(eq + 1, end), name) : "";
                values.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
            }
            start = end + 1;
        }
        return new QueryParameters(values);
    }

    private static String decode(String component, String field) throws BadParameter {
        try {
            return QueryStringDecoder.decodeComponent(component, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadParameter(field, "query parameter " + field + " is not valid percent-encoding (a % must be followed by two hex digits)");
        }
    }

    /** A name fit to quote in an error: printable ASCII, at most 32 characters. */
    static String shown(String raw) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < raw.length() && s.length() < 32; i++) {
            char c = raw.charAt(i);
            s.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return s.toString();
    }

    /** The value of a parameter, or {@code null} when absent. */
    String one(String name) throws BadParameter {
        List<String> v = values.get(name);
        if (v == null) {
            return null;
        }
        if (v.size() > 1) {
            throw new BadParameter(name, name + " is given " + v.size() + " times; give it once");
        }
        return v.get(0);
    }

    /** An integer parameter in {@code [min, max]}, {@code fallback} when absent. */
    long number(String name, long min, long max, long fallback) throws BadParameter {
        String v = one(name);
        return v == null ? fallback : number(name, v, min, max);
    }

    /** A required integer parameter in {@code [min, max]}. */
    long requiredNumber(String name, long min, long max) throws BadParameter {
        String v = one(name);
        if (v == null) {
            throw new BadParameter(name, name + " is required");
        }
        return number(name, v, min, max);
    }

    /** {@code text} read as a canonical decimal integer in {@code [min, max]}; the error names {@code field}. */
    static long number(String field, String text, long min, long max) throws BadParameter {
        long n = canonical(text);
        if (n == Long.MIN_VALUE || n < min || n > max) {
            throw new BadParameter(field, field + " must be an integer " + min + ".." + max + " in plain decimal (no sign, leading zeros or blanks)");
        }
        return n;
    }

    /**
     * A canonical decimal integer ({@code 0}, {@code 7}, {@code -12}), or {@link Long#MIN_VALUE} when the text is
     * not one ({@code +5}, {@code 07}, {@code -0}, {@code " 5"}, empty, out of the long range).
     */
    static long canonical(String text) {
        int n = text.length();
        int first = text.startsWith("-") ? 1 : 0;
        if (n == first || n - first > 19) {
            return Long.MIN_VALUE;
        }
        if (text.charAt(first) == '0' && (n - first > 1 || first == 1)) {
            return Long.MIN_VALUE;
        }
        for (int i = first; i < n; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return Long.MIN_VALUE;
            }
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }
}
