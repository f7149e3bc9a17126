package io.adengine.model;

import java.util.Locale;
import java.util.regex.Pattern;

/** The canonical forms of advertiser domains and app package names, as block lists and exclusion compare them. */
public final class AdvertiserDomain {

    private static final Pattern DOMAIN = Pattern.compile("(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]");
    private static final Pattern PACKAGE = Pattern.compile("[A-Za-z][A-Za-z0-9_]*(\\.[A-Za-z][A-Za-z0-9_]*)+");

    private AdvertiserDomain() {
    }

    /** A domain in lower case, trimmed, without a leading {@code www.}; {@code null} when it is not a domain name. */
    public static String normalize(String domain) {
        if (domain == null) {
            return null;
        }
        String d = domain.trim().toLowerCase(Locale.ROOT);
        if (d.startsWith("www.")) {
            d = d.substring(4);
        }
        return DOMAIN.matcher(d).matches() ? d : null;
    }

    /** A trimmed Android package name ({@code com.example.app}), or {@code null} when it is not one. */
    public static String packageName(String name) {
        if (name == null) {
            return null;
        }
        String p = name.trim();
        return PACKAGE.matcher(p).matches() ? p : null;
    }
}
