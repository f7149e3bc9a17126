package io.adengine.model;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * IAB content categories (Content Taxonomy 1.0, as OpenRTB's {@code cat}/{@code bcat} use them):
 * {@code IAB1} .. {@code IAB26} and their subcategories {@code IAB7-12}. Blocking a tier-1 category blocks
 * its subcategories too.
 */
public final class ContentCategory {

    private static final Pattern FORM = Pattern.compile("IAB([1-9][0-9]?)(-[1-9][0-9]?)?");

    private ContentCategory() {
    }

    /** The canonical spelling (upper case, trimmed) of a category, or {@code null} when it is not one. */
    public static String normalize(String category) {
        if (category == null) {
            return null;
        }
        String c = category.trim().toUpperCase(Locale.ROOT);
        return FORM.matcher(c).matches() ? c : null;
    }

    /** The tier-1 category of a canonical category ({@code IAB7-12} → {@code IAB7}). */
    public static String tier1(String category) {
        int dash = category.indexOf('-');
        return dash < 0 ? category : category.substring(0, dash);
    }

    /** Whether {@code blocked} (canonical categories) blocks a creative of these categories. */
    public static boolean anyBlocked(Set<String> categories, Set<String> blocked) {
        if (blocked.isEmpty()) {
            return false;
        }
        for (String c : categories) {
            if (blocked.contains(c) || blocked.contains(tier1(c))) {
                return true;
            }
        }
        return false;
    }
}
