/**
 * The HTTP edges on Netty, and the wiring of the engine ({@link io.adengine.server.Engine}): the public
 * port ({@code POST /v1/ads}, the trackers, {@code GET /health}) and the admin port (bearer token;
 * metrics, explain, catalog sync, audiences, reports). Server / initializer / handler one class each;
 * handlers write in {@code channelRead0} and flush in {@code channelReadComplete}; every outside input
 * is validated here with an error naming the field ({@link io.adengine.server.ApiError}, rendered by
 * {@code HttpResponses}). No other package speaks HTTP.
 *
 * <pre>
 *  POST /v1/ads ─▶ AdRequestParser ─▶ AdDecider ─▶ TrackerMint ─▶ AdResponseWriter ─▶ send ─▶ ServedAds
 *                  (parse)            (decide)     (ids, tokens)  (render only)              (reserve, served events)
 * </pre>
 */
package io.adengine.server;
