package io.adengine.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import io.adengine.model.Money;
import io.adengine.model.OsVersionRange;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * A JSON object with its path, for reading a catalog document field by field: every getter checks the
 * field's type and range and throws a {@link CatalogFormatException} that names the field's full path
 * ({@code adGroups[3].bid.amountMicros}) and what it must be.
 */
final class JsonFields {
    final JsonNode json;
    final String path;

    JsonFields(JsonNode json, String path) {
        this.json = json;
        this.path = path;
    }

    String path(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    JsonNode get(String field) {
        JsonNode v = json.get(field);
        return v == null || v.isNull() ? null : v;
    }

    long id() {
        return range("id", 1, Long.MAX_VALUE);
    }

    long requiredLong(String field) {
        return range(field, 1, Long.MAX_VALUE);
    }

    long range(String field, long min, long max) {
        JsonNode v = get(field);
        if (v == null) {
            throw new CatalogFormatException(path(field), "is required");
        }
        return checkRange(field, v, min, max);
    }

    long range(String field, long min, long max, long fallback) {
        JsonNode v = get(field);
        return v == null ? fallback : checkRange(field, v, min, max);
    }

    private long checkRange(String field, JsonNode v, long min, long max) {
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new CatalogFormatException(path(field), "must be an integer");
        }
        long value = v.asLong();
        if (value < min || value > max) {
            throw new CatalogFormatException(path(field), "must be " + min + ".." + max + ", was " + value);
        }
        return value;
    }

    /** A control-plane version: an integer of at least 0 (0 when absent). */
    long version() {
        return range("version", 0, Long.MAX_VALUE, 0);
    }

    /** A money amount in micros, {@code 0..}{@link Money#MAX_AMOUNT_MICROS}. */
    long money(String field) {
        return range(field, 0, Money.MAX_AMOUNT_MICROS, 0);
    }

    /** A money amount that may be negative (a post-paid balance in debt), within ±{@link Money#MAX_AMOUNT_MICROS}. */
    long signedMoney(String field) {
        return range(field, -Money.MAX_AMOUNT_MICROS, Money.MAX_AMOUNT_MICROS, 0);
    }

    long longValue(String field, long fallback) {
        return range(field, Long.MIN_VALUE, Long.MAX_VALUE, fallback);
    }

    long nonNegative(String field, long fallback) {
        return range(field, 0, Long.MAX_VALUE, fallback);
    }

    boolean bool(String field, boolean fallback) {
        JsonNode v = get(field);
        if (v == null) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new CatalogFormatException(path(field), "must be true or false");
        }
        return v.asBoolean();
    }

    String text(String field, String fallback) {
        JsonNode v = get(field);
        if (v == null) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw new CatalogFormatException(path(field), "must be a string");
        }
        return v.asText();
    }

    String requiredText(String field) {
        String v = text(field, null);
        if (v == null || v.isEmpty()) {
            throw new CatalogFormatException(path(field), "is required");
        }
        return v;
    }

    int version(String field, int fallback) {
        JsonNode v = get(field);
        if (v == null) {
            return fallback;
        }
        int encoded = OsVersionRange.encode(v.asText());
        if (encoded < 0) {
            throw new CatalogFormatException(path(field), "must be a version like \"12\" or \"12.1.3\"");
        }
        return encoded;
    }

    /**
     * A local date ({@code YYYY-MM-DD}: its midnight, or with {@code endOfDay} the midnight after it, so that an
     * end date includes its day) or a local date-time ({@code YYYY-MM-DDTHH:MM}, taken as it is).
     */
    java.time.LocalDateTime localTime(String field, boolean required, boolean endOfDay) {
        String v = text(field, null);
        if (v == null) {
            if (required) {
                throw new CatalogFormatException(path(field), "is required (YYYY-MM-DD or YYYY-MM-DDTHH:MM, local time)");
            }
            return null;
        }
        try {
            if (v.length() == 10) {
                LocalDate day = LocalDate.parse(v);
                return (endOfDay ? day.plusDays(1) : day).atStartOfDay();
            }
            return java.time.LocalDateTime.parse(v);
        } catch (DateTimeParseException e) {
            throw new CatalogFormatException(path(field), "must be a date YYYY-MM-DD or a local date-time YYYY-MM-DDTHH:MM, was \"" + v + "\"");
        }
    }

    LocalDate date(String field, boolean required) {
        String v = text(field, null);
        if (v == null) {
            if (required) {
                throw new CatalogFormatException(path(field), "is required (YYYY-MM-DD)");
            }
            return null;
        }
        try {
            return LocalDate.parse(v);
        } catch (DateTimeParseException e) {
            throw new CatalogFormatException(path(field), "must be a date YYYY-MM-DD, was \"" + v + "\"");
        }
    }

    <E extends Enum<E>> E enumValue(String field, Class<E> type, E fallback) {
        String v = text(field, null);
        if (v == null) {
            if (fallback == null) {
                throw new CatalogFormatException(path(field), "is required; one of " + List.of(type.getEnumConstants()));
            }
            return fallback;
        }
        return parseEnum(path(field), type, v);
    }

    <E extends Enum<E>> Set<E> enumSet(String field, Class<E> type) {
        Set<E> set = EnumSet.noneOf(type);
        JsonNode arr = array(field);
        for (int i = 0; arr != null && i < arr.size(); i++) {
            if (!arr.get(i).isTextual()) {
                throw new CatalogFormatException(path(field) + "[" + i + "]", "must be a string");
            }
            set.add(parseEnum(path(field) + "[" + i + "]", type, arr.get(i).asText()));
        }
        return set;
    }

    Set<Long> longSet(String field) {
        Set<Long> set = new LinkedHashSet<>();
        JsonNode arr = array(field);
        for (int i = 0; arr != null && i < arr.size(); i++) {
            if (!arr.get(i).isIntegralNumber() || !arr.get(i).canConvertToLong() || arr.get(i).asLong() < 1) {
                throw new CatalogFormatException(path(field) + "[" + i + "]", "must be an integer id of at least 1");
            }
            set.add(arr.get(i).asLong());
        }
        return set;
    }

    Set<String> stringSet(String field, Function<String, String> normalize) {
        Set<String> set = new LinkedHashSet<>();
        for (String s : stringList(field)) {
            String n = normalize.apply(s);
            if (n != null) {
                set.add(n);
            }
        }
        return set;
    }

    /**
     * A set of strings each put in canonical form by {@code canonical}, which answers {@code null} for a value
     * that is not valid: then the item is refused with {@code what} (e.g. "an IAB category like IAB7-12").
     */
    Set<String> canonicalSet(String field, Function<String, String> canonical, String what) {
        Set<String> set = new LinkedHashSet<>();
        List<String> values = stringList(field);
        for (int i = 0; i < values.size(); i++) {
            String c = canonical.apply(values.get(i));
            if (c == null) {
                throw new CatalogFormatException(path(field) + "[" + i + "]", "must be " + what + ", was \"" + values.get(i) + "\"");
            }
            set.add(c);
        }
        return set;
    }

    /** An optional string put in canonical form by {@code canonical} ({@code null} from it: refused with {@code what}). */
    String canonicalText(String field, Function<String, String> canonical, String what) {
        String v = text(field, null);
        if (v == null) {
            return null;
        }
        String c = canonical.apply(v);
        if (c == null) {
            throw new CatalogFormatException(path(field), "must be " + what + ", was \"" + v + "\"");
        }
        return c;
    }

    List<String> stringList(String field) {
        List<String> list = new ArrayList<>();
        JsonNode arr = array(field);
        for (int i = 0; arr != null && i < arr.size(); i++) {
            if (!arr.get(i).isTextual()) {
                throw new CatalogFormatException(path(field) + "[" + i + "]", "must be a string");
            }
            list.add(arr.get(i).asText());
        }
        return list;
    }

    <T> List<T> list(String field, Function<JsonFields, T> parse) {
        List<T> list = new ArrayList<>();
        JsonNode arr = array(field);
        for (int i = 0; arr != null && i < arr.size(); i++) {
            JsonNode item = arr.get(i);
            String itemPath = path(field) + "[" + i + "]";
            if (!item.isObject()) {
                throw new CatalogFormatException(itemPath, "must be an object");
            }
            list.add(item(item, itemPath, parse));
        }
        return list;
    }

    static <T> T item(JsonNode item, String itemPath, Function<JsonFields, T> parse) {
        try {
            return parse.apply(new JsonFields(item, itemPath));
        } catch (IllegalArgumentException e) {
            throw new CatalogFormatException(itemPath, e.getMessage());
        }
    }

    private JsonNode array(String field) {
        JsonNode arr = get(field);
        if (arr != null && !arr.isArray()) {
            throw new CatalogFormatException(path(field), "must be an array");
        }
        return arr;
    }

    JsonFields child(String field) {
        JsonNode v = get(field);
        if (v == null) {
            return null;
        }
        if (!v.isObject()) {
            throw new CatalogFormatException(path(field), "must be an object");
        }
        return new JsonFields(v, path(field));
    }

    JsonFields requiredChild(String field) {
        JsonFields n = child(field);
        if (n == null) {
            throw new CatalogFormatException(path(field), "is required");
        }
        return n;
    }

    private static <E extends Enum<E>> E parseEnum(String path, Class<E> type, String value) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CatalogFormatException(path, "unknown value \"" + value + "\"; one of " + List.of(type.getEnumConstants()));
        }
    }
}
