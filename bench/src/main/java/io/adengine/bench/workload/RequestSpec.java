package io.adengine.bench.workload;

import io.adengine.match.AdRequest;
import io.adengine.model.Dimension;
import io.adengine.model.OsVersionRange;

/**
 * One generated ad request, as plain values: it renders as the JSON body of {@code POST /v1/ads}
 * (engine/README.md "HTTP API") and fills an in-process {@link AdRequest} for JMH.
 *
 * @param userIndex the user's index in the {@link UserPopulation}, or {@code -1} for an unknown GAID
 */
public record RequestSpec(String requestId, long adSpaceId, int count, String gaid, long userIndex,
                          String os, String osVersion, String model, String language, String network, String carrier,
                          String country, String region) {

    /** The request body as one line of JSON (every value is generated, none needs escaping). */
    public String toJson() {
        return "{\"requestId\":\"" + requestId + "\",\"adSpaceId\":" + adSpaceId + ",\"count\":" + count
                + ",\"gaid\":\"" + gaid + "\",\"device\":{\"os\":\"" + os + "\",\"osVersion\":\"" + osVersion
                + "\",\"model\":\"" + model + "\",\"language\":\"" + language + "\",\"network\":\"" + network
                + "\",\"carrier\":\"" + carrier + "\"},\"geo\":{\"country\":\"" + country + "\",\"region\":\"" + region + "\"}}";
    }

    /** Fills a reset request the way the engine's parser would, for a decision at {@code nowMillis}. */
    public AdRequest applyTo(AdRequest request, long nowMillis, long seed) {
        return request.reset().requestId(requestId).adSpaceId(adSpaceId).count(count).gaid(gaid)
                .value(Dimension.COUNTRY, country).value(Dimension.REGION, region).value(Dimension.LANGUAGE, language)
                .value(Dimension.NETWORK, network).value(Dimension.CARRIER, carrier).value(Dimension.DEVICE_MODEL, model)
                .osVersion(OsVersionRange.encode(osVersion)).nowMillis(nowMillis).seed(seed);
    }
}
