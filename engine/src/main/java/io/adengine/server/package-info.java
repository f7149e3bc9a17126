/**
 * The HTTP edges on Netty: the public port ({@code POST /v1/ads}, {@code GET /health}) and the admin
 * port (bearer token; {@code GET /metrics}, {@code POST /v1/admin/explain}). Server / initializer /
 * handler one class each; handlers write in {@code channelRead0} and flush in
 * {@code channelReadComplete}; every outside input is validated here with an error naming the field.
 */
package io.adengine.server;
