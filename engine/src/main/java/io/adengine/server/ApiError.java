package io.adengine.server;

import io.adengine.catalog.Problem;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.List;

/**
 * A client-facing error: HTTP status, a stable code, a message a developer can act on, the field it
 * concerns ({@code null} when none), and for a refused catalog object every problem found in it.
 * Rendered as {@code {"error":{"code","message","field"}}}, plus {@code "problems":[{"field","message"}]}
 * when there are several.
 */
public record ApiError(HttpResponseStatus status, String code, String message, String field, List<Problem> problems) {

    public ApiError(HttpResponseStatus status, String code, String message, String field) {
        this(status, code, message, field, List.of());
    }

    public static ApiError invalid(String field, String message) {
        return new ApiError(HttpResponseStatus.BAD_REQUEST, "invalid_field", message, field);
    }

    public static ApiError missing(String field) {
        return new ApiError(HttpResponseStatus.BAD_REQUEST, "missing_field", field + " is required", field);
    }

    /** An error listing every problem; its field is the first problem's. */
    public static ApiError problems(HttpResponseStatus status, String code, String message, List<Problem> problems) {
        return new ApiError(status, code, message, problems.isEmpty() ? null : problems.get(0).field(), List.copyOf(problems));
    }
}
