package io.adengine.events;

import io.adengine.index.Snapshot;
import io.adengine.match.AdRequest;
import io.adengine.match.AssetChoice;
import io.adengine.match.Decision;
import io.adengine.match.Privacy;
import io.adengine.model.AdGroup;
import io.adengine.model.Dimension;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Mints the impressions of a decision: a fresh impression id per filled slot and its signed tracker
 * tokens (ids, billing model, charge, expiry), one for the impression tracker and one for the click tracker,
 * valid for the configured time to live; plus a conversion token for view-through ad groups. The click token of an
 * ad whose creative holds the {@code {gaid}} click macro carries the request's advertising id, sealed
 * ({@link TrackerSigner}), when the request's privacy signals allow user data and its GAID is valid.
 */
public final class TrackerMint {

    private final TrackerSigner signer;
    private final long ttlSeconds;

    public TrackerMint(TrackerSigner signer, long ttlSeconds) {
        this.signer = signer;
        this.ttlSeconds = ttlSeconds;
    }

    private static final TrackerSigner.Purpose[] TRACKERS = {TrackerSigner.Purpose.IMPRESSION, TrackerSigner.Purpose.CLICK};

    /** Fills {@code out} for every filled slot of {@code decision}. */
    public Impressions mint(Snapshot snapshot, AdRequest request, Decision decision, Impressions out) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long expires = request.nowMillis() / 1000 + ttlSeconds;
        // The impression id's first four hex digits carry the request's country (packed), so the signed
        // token tells the trackers where it was shown; the next four the assets shown (AssetChoice.tracked), so
        // clicks count per asset; the other 96 bits are random.
        long country = BillingEvent.packCountry(request.value(Dimension.COUNTRY)) & 0xffffL;
        int n = decision.filled();
        int gaidUsable = UNKNOWN;
        for (int i = 0; i < n; i++) {
            AdGroup group = snapshot.group(decision.ordinal(i));
            long assets = AssetChoice.tracked(decision.assets(i)) & 0xffffL;
            long hi = country << 48 | assets << 32 | (random.nextLong() & 0xffff_ffffL);
            long lo = random.nextLong();
            out.hi[i] = hi;
            out.lo[i] = lo;
            byte[] id = out.ids[i];
            Ascii.putHex16(id, 16, lo);
            Ascii.putHex16(id, 0, hi);
            long creative = decision.creative(i).id();
            // Only a frequency-capped ad's trackers carry the user's (pseudonymous) frequency key: the pipeline counts it.
            long userKey = userKeyOf(snapshot, decision, i);
            // Only the click token of a creative asking for {gaid} carries the GAID (sealed); the snapshot's per-group
            // flag keeps every other ad from looking at its creative's URLs.
            byte[] gaid = null;
            if (snapshot.gaidMacro(decision.ordinal(i)) && decision.creative(i).usesGaidMacro()) {
                if (gaidUsable == UNKNOWN) {
                    gaidUsable = gaidUsable(snapshot, request, out.gaid) ? YES : NO;
                }
                gaid = gaidUsable == YES ? out.gaid : null;
            }
            for (TrackerSigner.Purpose p : TRACKERS) {
                out.tokenLengths[p.ordinal()][i] = signer.signInto(p, id, request.adSpaceId(), group.campaignId(), group.id(), creative,
                        group.bid().model(), decision.chargePerUnit(i), expires, userKey, p == TrackerSigner.Purpose.CLICK ? gaid : null,
                        out.scratch, out.tokens[p.ordinal()][i]);
            }
            // View-through groups may convert without a click: their answer carries a conversion token, valid for the
            // group's conversion window from now (the pipeline still requires the impression to have been counted).
            int v = TrackerSigner.Purpose.CONVERSION.ordinal();
            out.tokenLengths[v][i] = group.viewThroughConversions()
                    ? signer.signInto(TrackerSigner.Purpose.CONVERSION, id, request.adSpaceId(), group.campaignId(), group.id(), creative,
                    group.bid().model(), decision.chargePerUnit(i), request.nowMillis() / 1000 + group.conversionWindowSeconds(),
                    userKey, out.scratch, out.tokens[v][i])
                    : 0;
        }
        out.count = n;
        out.expiresEpochSeconds = expires;
        return out;
    }

    private static final int UNKNOWN = 0;
    private static final int YES = 1;
    private static final int NO = 2;

    /**
     * Whether the request may give its advertising id to a click macro: its privacy signals allow user data
     * ({@link Privacy#allowsUserData}) and it has a valid GAID, then parsed into {@code gaid}.
     */
    static boolean gaidUsable(Snapshot snapshot, AdRequest request, byte[] gaid) {
        io.adengine.index.AdSpaceEntry entry = snapshot.adSpace(request.adSpaceId());
        return entry != null && Privacy.allowsUserData(request, entry.space()) && TrackerSigner.parseGaid(request.gaid(), gaid);
    }

    /** The frequency key slot i's events are counted under: the decision's, for a capped ad group; 0 otherwise. */
    static long userKeyOf(Snapshot snapshot, Decision decision, int slot) {
        return snapshot.capRules(decision.ordinal(slot)) == null ? 0 : decision.userKey();
    }
}
