package io.adengine.match;

import io.adengine.model.Dimension;

import java.util.Arrays;

/**
 * One ad request as the decision needs it, already validated and normalised at the edge. Mutable and
 * reused: each serving thread owns one and resets it per request, so parsing allocates no request object.
 */
public final class AdRequest {

    /** Most ads one request may ask for. */
    public static final int MAX_COUNT = 10;

    private String requestId;
    private long adSpaceId;
    private int count = 1;
    private final String[] dimensionValues = new String[Dimension.values().length];
    private int osVersion = -1;
    private String gaid;
    private boolean explain;
    private long explainAdGroupId;
    private long nowMillis;
    private long seed;
    private boolean coppa;
    private int gdpr = -1;
    private String consent;
    private String usPrivacy;
    private String gpp;
    private int[] gppSections = NO_SECTIONS;
    private boolean limitAdTracking;

    private static final int[] NO_SECTIONS = new int[0];

    /** Clears every field back to its default. */
    public AdRequest reset() {
        requestId = null;
        adSpaceId = 0;
        count = 1;
        Arrays.fill(dimensionValues, null);
        osVersion = -1;
        gaid = null;
        explain = false;
        explainAdGroupId = 0;
        nowMillis = 0;
        seed = 0;
        coppa = false;
        gdpr = -1;
        consent = null;
        usPrivacy = null;
        gpp = null;
        gppSections = NO_SECTIONS;
        limitAdTracking = false;
        return this;
    }

    public String requestId() {
        return requestId;
    }

    public AdRequest requestId(String requestId) {
        this.requestId = requestId;
        return this;
    }

    public long adSpaceId() {
        return adSpaceId;
    }

    public AdRequest adSpaceId(long adSpaceId) {
        this.adSpaceId = adSpaceId;
        return this;
    }

    public int count() {
        return count;
    }

    public AdRequest count(int count) {
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("count must be 1.." + MAX_COUNT);
        }
        this.count = count;
        return this;
    }

    /** The normalised value of a dimension, or {@code null} when the request lacks it. */
    public String value(Dimension dimension) {
        return dimensionValues[dimension.ordinal()];
    }

    /** Sets a dimension's value, normalising it ({@code null} or blank: absent). */
    public AdRequest value(Dimension dimension, String value) {
        dimensionValues[dimension.ordinal()] = dimension.normalize(value);
        return this;
    }

    /** OS version encoded by {@link io.adengine.model.OsVersionRange#encode}, or {@code -1} when unknown. */
    public int osVersion() {
        return osVersion;
    }

    public AdRequest osVersion(int encodedVersion) {
        this.osVersion = encodedVersion;
        return this;
    }

    /** The advertising id as sent; never logged, never stored. */
    public String gaid() {
        return gaid;
    }

    public AdRequest gaid(String gaid) {
        this.gaid = gaid;
        return this;
    }

    public boolean explain() {
        return explain;
    }

    public AdRequest explain(boolean explain) {
        this.explain = explain;
        return this;
    }

    /** The ad group explain should give a reason for ({@code 0}: none). */
    public long explainAdGroupId() {
        return explainAdGroupId;
    }

    public AdRequest explainAdGroupId(long adGroupId) {
        this.explainAdGroupId = adGroupId;
        return this;
    }

    /** The instant the decision is made for, epoch millis. */
    public long nowMillis() {
        return nowMillis;
    }

    public AdRequest nowMillis(long nowMillis) {
        this.nowMillis = nowMillis;
        return this;
    }

    /** Seed of this request's creative and asset rotation. */
    public long seed() {
        return seed;
    }

    public AdRequest seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** {@code regs.coppa}: the request is subject to COPPA (a child's). */
    public boolean coppa() {
        return coppa;
    }

    public AdRequest coppa(boolean coppa) {
        this.coppa = coppa;
        return this;
    }

    /** {@code regs.gdpr}: 1 when GDPR applies, 0 when it does not, -1 unknown. */
    public int gdpr() {
        return gdpr;
    }

    public AdRequest gdpr(int gdpr) {
        this.gdpr = gdpr;
        return this;
    }

    /** {@code user.consent}: the IAB TCF consent string, or {@code null}. */
    public String consent() {
        return consent;
    }

    public AdRequest consent(String consent) {
        this.consent = consent;
        return this;
    }

    /** {@code regs.usPrivacy}: the IAB US Privacy string (e.g. {@code 1YNN}), or {@code null}. */
    public String usPrivacy() {
        return usPrivacy;
    }

    public AdRequest usPrivacy(String usPrivacy) {
        this.usPrivacy = usPrivacy;
        return this;
    }

    /** {@code regs.gpp}: the IAB Global Privacy Platform string, or {@code null}. */
    public String gpp() {
        return gpp;
    }

    /** {@code regs.gppSid}: the GPP sections that apply (never modify the result). */
    public int[] gppSections() {
        return gppSections;
    }

    public AdRequest gpp(String gpp, int[] sections) {
        this.gpp = gpp;
        this.gppSections = sections == null ? NO_SECTIONS : sections;
        return this;
    }

    /** {@code device.lmt}: the user turned on limited ad tracking. */
    public boolean limitAdTracking() {
        return limitAdTracking;
    }

    public AdRequest limitAdTracking(boolean lmt) {
        this.limitAdTracking = lmt;
        return this;
    }
}
