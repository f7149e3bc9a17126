package io.adengine.server;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A client-facing error: HTTP status, a stable code, a message a developer can act on, and the field
 * it concerns ({@code null} when none). Rendered as {@code {"error":{"code","message","field"}}}.
 */
public record ApiError(HttpResponseStatus status, String code, String message, String field) {

    public static ApiError invalid(String field, String message) {
        return new ApiError(HttpResponseStatus.BAD_REQUEST, "invalid_field", message, field);
    }

    public static ApiError missing(String field) {
        return new ApiError(HttpResponseStatus.BAD_REQUEST, "missing_field", field + " is required", field);
    }
}
