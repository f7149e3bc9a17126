package io.adengine.events;

import io.adengine.index.Snapshot;
import io.adengine.match.AdRequest;
import io.adengine.match.AssetChoice;
import io.adengine.match.Decision;
import io.adengine.model.AdGroup;
import io.adengine.model.Dimension;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Mints the impressions of a decision: a fresh impression id per filled slot and its signed tracker
 * tokens (ids, billing model, charge, expiry), one for the impression tracker and one for the click tracker,
 * valid for the configured time to live; plus a conversion token for view-through ad groups.
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
            for (TrackerSigner.Purpose p : TRACKERS) {
                out.tokenLengths[p.ordinal()][i] = signer.signInto(p, id, request.adSpaceId(), group.campaignId(), group.id(), creative,
                        group.bid().model(), decision.chargePerUnit(i), expires, userKey, out.scratch, out.tokens[p.ordinal()][i]);
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

    /** The frequency key slot i's events are counted under: the decision's, for a capped ad group; 0 otherwise. */
    static long userKeyOf(Snapshot snapshot, Decision decision, int slot) {
        return snapshot.capRules(decision.ordinal(slot)) == null ? 0 : decision.userKey();
    }
}
